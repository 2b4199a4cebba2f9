"""Indicator reports (党建报表): indicators, forms, sheets, rules, outliers, flags, Excel."""
