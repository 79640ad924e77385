def vn(number, decimals=0) -> str:
    """A figure the Vietnamese way: 13.000 · 2,54."""
    text = f"{number:,.{decimals}f}"
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")
