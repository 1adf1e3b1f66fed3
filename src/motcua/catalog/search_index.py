"""The current catalog's searchable text, held in each process for the search box.

Every search of the catalog page ran two statements (a count and a ranked page) that scan the
text of all 6,500 current procedures with ``LIKE '%word%'`` and rank them with a ``CASE``:
~8 ms of database time and as much again building the SQL, for text that changes only when a
version is published. The index keeps ``(code, folded name, folded text, sector, level,
online level)`` of the current versions and which entries hold each word — a few MB for the
national catalog — and answers word searches and the sector/level/online-level filters in
memory; the page's 20 versions are then read by primary key. Filters by agency or life event stay in SQL (selectors).

Freshness: the index is rebuilt when the catalog generation changes (publishing bumps it, see
``selectors.catalog_changed``). Processes that do not share the generation (no Redis) look
again after ``REBUILD_AFTER`` seconds: the current versions' ids and sector codes (a published
version never changes) are read in one small statement, and the index is rebuilt only if they
differ — a few milliseconds instead of half a second of one request every five minutes in
every process.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

REBUILD_AFTER = 300  # seconds, the facets' TTL


@dataclass(frozen=True, slots=True)
class Entry:
    id: int
    code: str
    name_folded: str
    search_text: str
    sector_code: str
    level: str
    online_level: str


class SearchIndex:
    """Entries in the browse order (folded name, then code) and, for every word of their texts,
    the entries that contain it. A searched word matches an entry when it is part of one of the
    entry's words (folded text is words of ``[0-9a-z]`` between single spaces), so the entries
    of a searched word are the union over the vocabulary words that contain it — worked out once
    per searched word and remembered."""

    MEMO_SIZE = 4096  # searched words remembered per process
    VERSIONS_KEPT = 2000  # result rows (versions without their form or text) kept per process

    def __init__(self, entries: list[Entry]):
        self.entries = sorted(entries, key=lambda e: (e.name_folded, e.code))
        postings: dict[str, set[int]] = {}
        for position, entry in enumerate(self.entries):
            for token in entry.search_text.split():
                postings.setdefault(token, set()).add(position)
        self._vocabulary = {token: frozenset(found) for token, found in postings.items()}
        self._memo: dict[str, frozenset[int]] = {}
        self._versions: dict[int, object] = {}

    def _containing(self, word: str) -> frozenset[int]:
        """Positions of the entries whose text contains ``word``."""
        found = self._memo.get(word)
        if found is None:
            exact = self._vocabulary.get(word, frozenset())
            found = exact.union(*(p for t, p in self._vocabulary.items() if word in t and t != word))
            if len(self._memo) >= self.MEMO_SIZE:
                self._memo.clear()
            self._memo[word] = found
        return found

    def versions(self, ids: list[int], load) -> list:
        """The versions ``ids`` for a page of results, read with ``load(missing ids)`` (a dict
        by id) only the first time: a published version does not change within a generation,
        and the most searched procedures are the same few hundred. Shown, never changed."""
        missing = [i for i in ids if i not in self._versions]
        if missing:
            if len(self._versions) + len(missing) > self.VERSIONS_KEPT:
                self._versions = {}
            self._versions.update(load(missing))
        kept = self._versions
        return [kept[i] for i in ids if i in kept]

    def search(
        self, *, words: list[str], raw: str, sector: str = "", level: str = "", online_level: str = ""
    ) -> list[Entry]:
        """The entries with every word in their text that pass the filters, best first.

        The same rules as ``selectors.search_procedures`` states: the exact national code, the
        whole name, a name starting with the query (after an official "Thủ tục"), the query as a
        phrase in the name, all words in the name, then the rest; ties go to the shorter name.
        """
        if words:
            positions = frozenset.intersection(*(self._containing(w) for w in words))
            candidates = [self.entries[i] for i in sorted(positions)]
        else:
            candidates = self.entries
        matches = [
            e
            for e in candidates
            if (not sector or e.sector_code == sector)
            and (not level or e.level == level)
            and (not online_level or e.online_level == online_level)
        ]
        if not words:
            return matches
        phrase = " ".join(words)
        return sorted(
            matches, key=lambda e: (-_rank(e, raw, phrase, words), len(e.name_folded), e.name_folded, e.code)
        )


def _rank(entry: Entry, raw: str, phrase: str, words: list[str]) -> int:
    from motcua.catalog.selectors import OFFICIAL_PREFIX

    name = entry.name_folded
    if entry.code == raw:
        return 100
    if name in (phrase, OFFICIAL_PREFIX + phrase):
        return 90
    if name.startswith(phrase) or name.startswith(OFFICIAL_PREFIX + phrase):
        return 80
    if phrase in name:
        return 60
    if all(w in name for w in words):
        return 40
    return 20


_lock = threading.Lock()
# (generation, checked at, digest of the entries, index)
_built: tuple[object, float, int, SearchIndex] | None = None


def current_index(generation: object) -> SearchIndex:
    """The index of the current catalog for ``generation`` (built on first use)."""
    global _built
    built = _built
    if built is not None and built[0] == generation and time.monotonic() - built[1] < REBUILD_AFTER:
        return built[3]
    with _lock:
        built = _built
        if built is not None and built[0] == generation:
            if time.monotonic() - built[1] < REBUILD_AFTER:
                return built[3]  # another thread looked while this one waited
            if _current_digest() == built[2]:
                _built = (generation, time.monotonic(), built[2], built[3])
                return built[3]
        index = _build()
        _built = (generation, time.monotonic(), _digest((e.id, e.sector_code) for e in index.entries), index)
        return index


def forget() -> None:
    """Drop this process's index (tests; the generation handles the rest)."""
    global _built
    with _lock:
        _built = None


def _digest(pairs) -> int:
    """What the entries are made of, in short: the current versions' ids (a published version
    never changes) with their sectors' codes."""
    return hash(tuple(sorted((i, code or "") for i, code in pairs)))


def _current_digest() -> int:
    from motcua.catalog.models import ProcedureVersion

    return _digest(ProcedureVersion.objects.filter(is_current=True).values_list("id", "sector__code"))


def _build() -> SearchIndex:
    from motcua.catalog.models import ProcedureVersion

    rows = ProcedureVersion.objects.filter(is_current=True).values_list(
        "id", "procedure__code", "name_folded", "search_text", "sector__code", "level", "online_level"
    )
    return SearchIndex([Entry(i, c, n, t, s or "", lv, ol) for i, c, n, t, s, lv, ol in rows])
