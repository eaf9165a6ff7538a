"""The service catalogue (ydelseskatalog): service types, accounts and ladder steps, as data."""
