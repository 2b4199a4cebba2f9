"""The organisation tree, categories, sectors, leading groups, positions, people, staffing."""
