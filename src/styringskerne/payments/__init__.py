"""Payments (udbetalinger): the cash a disposition causes, its dates and the postings file."""
