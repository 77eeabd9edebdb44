"""Page sizes of the printed report, and which one a locale uses (kept apart from the PDF
module so that choosing it never loads the PDF library)."""
from __future__ import annotations

PAPERS = {"a4": (210.0, 297.0), "letter": (215.9, 279.4)}
# Territories whose usual paper is US Letter (the C library's LC_PAPER data).
LETTER_TERRITORIES = frozenset({"US", "CA", "MX", "PH", "PR", "CL", "CO", "CR", "GT", "NI", "PA",
                                "SV", "VE"})


def default_paper(locale_name: str | None) -> str:
    """"letter" for a locale of the US, Canada and the other Letter countries, else "a4".

    Accepts "en_US.UTF-8", "fr-CA", "es_MX@euro", None or "C" (a4).
    """
    if not locale_name:
        return "a4"
    name = locale_name.split(".")[0].split("@")[0].replace("-", "_")
    parts = name.split("_")
    if len(parts) >= 2 and parts[-1].upper() in LETTER_TERRITORIES:
        return "letter"
    return "a4"
