# An inventory with type hints and no future import: dataclasses with defaults, factories, __post_init__, order=True, a Money value class whose operators return NotImplemented, and sum() of instances
from dataclasses import dataclass, field
from typing import Dict, List, Optional


class Money:
    def __init__(self, cents: int) -> None:
        self.cents = cents

    def __add__(self, other: "Money") -> "Money":
        if isinstance(other, Money):
            return Money(self.cents + other.cents)
        return NotImplemented

    def __radd__(self, other: int) -> "Money":
        if other == 0:
            return self
        return NotImplemented

    def __mul__(self, k: int) -> "Money":
        if isinstance(k, int):
            return Money(self.cents * k)
        return NotImplemented

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        return self.cents == other.cents

    def __lt__(self, other: "Money") -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        return self.cents < other.cents

    def __repr__(self) -> str:
        return f"${self.cents // 100}.{self.cents % 100:02d}"


@dataclass(order=True)
class Item:
    sku: str
    price: int = 0
    tags: List[str] = field(default_factory=list, compare=False)


@dataclass
class Line:
    item: Item
    qty: int = 1
    total: Optional[Money] = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self.total = Money(self.item.price) * self.qty


def report(lines: List[Line]) -> Dict[str, Money]:
    out: Dict[str, Money] = {}
    for ln in lines:
        key = ln.item.sku[0]
        out[key] = out[key] + ln.total if key in out else ln.total
    return out


def main() -> None:
    catalog = [Item(f"{c}{i}", 100 + 37 * i % 450, [c]) for i in range(12) for c in "ab"]
    lines = [Line(catalog[i % len(catalog)], 1 + i % 4) for i in range(400)]
    grand = sum(ln.total for ln in lines)
    print(grand, sum([Money(5), Money(7)]), sorted(catalog)[:3], min(catalog), max(catalog).sku)
    print(report(lines), Line(catalog[0], 2), Line(catalog[0]) == Line(Item("a0", 100, ["zz"])))
    print(Money(3) == 3, Money(3) != Money(4), Money(1) < Money(2), Item("x") < Item("y"), Item("x", 2) > Item("x", 1))
    for bad in [lambda: Money(1) + 1, lambda: 2 + Money(1), lambda: Money(1) < 5, lambda: Money(2) * 1.5, lambda: Item("a") < Line(Item("a"))]:
        try:
            print(bad())
        except TypeError as e:
            print("TypeError:", e)


main()
