"""How the engine words its messages, in the language active when a message is produced.

The engine has no Django: its messages are English msgids marked with `_` (makemessages reads them; the
translations live in locale/), and its numbers are grouped the Vietnamese way. households.apps installs
Django's gettext and the active language's separators, so a message follows the page's language, the API
request's, or that of the user who started an import. Both run only when a message is produced: a valid
record never pays for them."""


def _untranslated(text: str) -> str:
    return text


def _vietnamese_separators() -> tuple[str, str]:
    return ".", ","


def _code(code: str) -> str:
    return code


_translate = _untranslated
_separators = _vietnamese_separators
_indicator = _code


def use(translate, separators, indicator=_code) -> None:
    """translate(msgid) → text; separators() → (thousands, decimal) of the active language; indicator(code) → the
    indicator's name in it (the catalogue of names, households/names.py)."""
    global _translate, _separators, _indicator
    _translate, _separators, _indicator = translate, separators, indicator


def _(message: str) -> str:
    return _translate(message)


def indicator(code: str) -> str:
    return _indicator(code)


def number(value) -> str:
    """1000000 → 1.000.000 and 2.5 → 2,5 in Vietnamese; 1,000,000 and 2.5 in English."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    thousands, decimal = _separators()
    return f"{value:,}".translate({ord(","): thousands, ord("."): decimal})
