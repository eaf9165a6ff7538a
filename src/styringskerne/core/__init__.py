"""Foundation (fundament): money, calendar, quantities, CPR numbers, masking and errors.

Nothing here imports from the rest of the library.
"""
