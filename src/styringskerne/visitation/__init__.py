"""Visitation (visitation): competence rules, recommendations, the ladder, follow-up and
cross-sector payment."""
