"""The budget frame, steering assumptions, deviations and the volume/price split (budget).

:mod:`~styringskerne.budget.frame` holds the frame, the steering assumptions, reallocations and
variance explanations; :mod:`~styringskerne.budget.variance` splits a forecast's deviation from
the steering assumptions into more cases (volume) and dearer cases (price).
"""
