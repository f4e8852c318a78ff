"""Services: business rules, permissions and one transaction per call. No HTTP objects."""
