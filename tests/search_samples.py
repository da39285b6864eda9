"""Project-written articles and hand-made spun copies for the source-search tests."""

ARTICLES = {
    "harbour": (
        "Harbour Bridge repairs",
        "The city council of Portmere approved a plan on Tuesday to repair the old harbour bridge, "
        "which has been closed to lorries since March. Engineers said the steel frame was badly damaged "
        "by salt water and that the work would take at least 18 months. The council leader, Anna Kowalski, "
        "told reporters that the repairs would cost about 12m pounds and that the money would come from "
        "a special fund set up after the floods of 2019. Local traders welcomed the decision but warned "
        "that the long closure had already hurt their business. One shop owner said the number of "
        "visitors had fallen by a third in the past year. The bridge is expected to reopen in the autumn "
        "of next year, when a new footpath for cyclists will also be opened.",
    ),
    "orchestra": (
        "Orchestra tour",
        "The Northfield Symphony Orchestra will begin its first tour of Japan in October, playing "
        "eleven concerts in six cities. The conductor, Tomas Eriksen, said the musicians had been "
        "preparing for more than a year and were excited to perform in famous halls in Tokyo and Osaka. "
        "The tour is paid for partly by a grant from the arts council and partly by private donors. "
        "Tickets for the opening concert sold out within two hours of going on sale last week. "
        "The orchestra was founded in 1952 and has recorded more than 80 albums, but it has never "
        "before travelled to Asia. Its manager said the trip would help attract young listeners.",
    ),
    "drought": (
        "Farmers and the drought",
        "Farmers in the Vale of Ardley say the long drought has cut their wheat harvest by almost half "
        "this summer. The regional farming union said that many small farms were struggling to pay "
        "their debts and asked the government for urgent help. Rainfall in July was the lowest since "
        "records began in 1871, according to the weather service. Some farmers have started selling "
        "cattle because they cannot find enough hay to feed them through the winter. A spokesman for "
        "the ministry said officials were studying the request and would announce a decision soon. "
        "Water companies have also asked households to use less water in the coming weeks.",
    ),
}

#: Word swaps a synonym spinner would make in the harbour article (original -> spun).
HARBOUR_SWAPS = [
    ("approved", "endorsed"),
    ("repair", "fix"),
    ("closed", "shut"),
    ("badly", "severely"),
    ("damaged", "harmed"),
    ("reporters", "journalists"),
    ("cost", "charge"),
    ("welcomed", "greeted"),
    ("decision", "choice"),
    ("hurt", "injured"),
    ("visitors", "guests"),
    ("expected", "anticipated"),
]


def spin(text: str, swaps: list[tuple[str, str]]) -> tuple[str, list[tuple[str, str]]]:
    """Apply each swap to its first whole-word occurrence; returns the copy and the swaps made."""
    import re

    done = []
    for old, new in swaps:
        text, n = re.subn(rf"\b{re.escape(old)}\b", new, text, count=1)
        if n:
            done.append((new, old))
    return text, done


UNRELATED = (
    "A rare species of orchid has been found growing on a roundabout in a busy town centre, "
    "botanists reported. The plant, usually seen only in remote meadows, may have arrived as a seed "
    "carried by birds or on the tyres of cars. Gardeners employed by the town have agreed to leave the "
    "patch alone until the flowers have set seed, and a small fence now protects it from mowers. "
    "Experts hope that the discovery will encourage people to record wild plants in their own streets."
)
