DATE_FORMAT = r"j \d\e F \d\e Y"  # 4 de diciembre de 2026
DATETIME_FORMAT = r"l j \d\e F \d\e Y, H:i"  # viernes 4 de diciembre de 2026, 15:00
SHORT_DATE_FORMAT = "j M Y"  # 4 dic 2026
SHORT_DATETIME_FORMAT = "j M Y, H:i"  # 4 dic 2026, 15:00
MONTH_DAY_FORMAT = r"l j \d\e F"  # viernes 4 de diciembre
TIME_FORMAT = "H:i"
