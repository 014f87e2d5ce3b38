DATE_FORMAT = "j F Y"  # 4 December 2026
DATETIME_FORMAT = "l j F Y, H:i"  # Friday 4 December 2026, 15:00
SHORT_DATE_FORMAT = "j M Y"  # 4 Dec 2026
SHORT_DATETIME_FORMAT = "j M Y, H:i"  # 4 Dec 2026, 15:00
MONTH_DAY_FORMAT = "l j F"  # Friday 4 December
TIME_FORMAT = "H:i"
