"""Persian text (folding, digits) and Jalali dates, as editors type them and readers see them."""
