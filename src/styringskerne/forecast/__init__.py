"""Forecasts (regnskabsprognoser): lines, change explanation, transitions, shadow budgets."""
