#!/usr/bin/env python3
"""The tantivy side of `scripts/bench search`: the same profiles, the same queries, BM25 top-10.

Reads profiles.jsonl and queries.txt from a `caravan-bench generate` folder, indexes the three text
fields (title, skills, summary) with tantivy (PyPI `tantivy`, 0.27), runs every query as OR and as AND,
and writes figures plus every query's top-10 ids as JSON for `caravan-bench search --peer-results`.

Choices, made so that the two engines compute the same thing and only speed differs:

* Analysis. One analyzer for every field: a regex tokenizer that keeps the technology names our
  tokenizer keeps whole (c++, c#, .net, node.js, ...) and otherwise splits on anything that is not a
  letter or digit, then lowercase, tantivy's Russian and English stop-word filters, then tantivy's
  Russian Snowball stemmer followed by its English one. Each Snowball stemmer only changes words of
  its own script (the Russian one needs Cyrillic vowels, the English one Latin suffixes), so the
  chain stems Cyrillic words as Russian and Latin words as English -- what our analyzer does by
  script. Indexing each field twice (once per language) would double the fields and change BM25's
  per-field statistics, so it was not done.
* Aliases. Our tokenizer maps a few aliases to one spelling (1c -> 1с, nodejs -> node.js, ...).
  The peer applies the same mapping to the text before indexing and to the queries before
  analysis, outside the timed sections.
* Scoring. tantivy's BM25 (k1 = 1.2, b = 0.75, per-field statistics), one term query per (term,
  field) boosted by the field weight, summed: exactly our schema's weighted per-field BM25.
  OR is a flat Should over all (term, field) pairs, the shape tantivy prunes with block-max WAND;
  AND is a Must per term over a Should of its fields. `count=False`, so nothing forces a full count.
* Timing. Only `searcher.search` is timed per query (query construction is measured apart and
  reported as prep): the stricter baseline for us, since our figure includes analysing the text.
  One warm-up run, then --repeats runs; a query's time is the median. The build rate times only
  `add_document` and the final commit, not JSON parsing or Document construction; documents are
  handed over in batches, and up to tantivy's queue (10,000 documents) per batch may be indexed
  while the next batch is being prepared, which flatters tantivy by at most that share.
* Memory. VmRSS and VmHWM of this process after the commit, with the index in RAM (no directory),
  like ours. The Python interpreter is included (about 30 MB).
* Ties. A synthetic corpus has many exactly equal scores; for recall the peer also lists every
  document scoring exactly as its 10th (found by a deeper, untimed search), since either engine may
  pick any of them.
"""

import argparse
import gc
import importlib.metadata
import json
import math
import re
import statistics
import sys
import time

import tantivy
from tantivy import Filter, Occur, Query, TextAnalyzerBuilder, Tokenizer

FIELDS = ("title", "skills", "summary")

# Technology names our tokenizer (Sources/CaravanSearch/ProtectedTerms.swift) keeps whole, longest
# first where one is a prefix of another; ones ending in a letter or digit must end the word.
PROTECTED = [
    r"c\+\+", r"g\+\+", r"c#", r"f#", r"j#", r"objective-c\b",
    r"asp\.net\b", r"ado\.net\b", r"vb\.net\b", r"\.net\b",
    r"node\.js\b", r"vue\.js\b", r"react\.js\b", r"next\.js\b", r"nuxt\.js\b", r"nest\.js\b",
    r"express\.js\b", r"angular\.js\b", r"ember\.js\b", r"backbone\.js\b", r"three\.js\b", r"d3\.js\b",
    r"chart\.js\b", r"socket\.io\b",
    r"ci/cd\b", r"pl/sql\b", r"pl/pgsql\b", r"t-sql\b", r"tcp/ip\b", r"ui/ux\b", r"ux/ui\b", r"a/b\b", r"i/o\b",
    r"r&d\b", r"q&a\b", r"at&t\b",
]
TOKEN_PATTERN = "(?i)(?:" + "|".join(PROTECTED) + r"|[\p{L}\p{N}]+)"

# Aliases our tokenizer folds into one canonical spelling; applied to text before tantivy sees it.
ALIASES = [
    (re.compile(r"(?<![\w.])1c(?!\w)", re.IGNORECASE), "1с"),
    (re.compile(r"(?<![\w.])с\+\+", re.IGNORECASE), "c++"),
    (re.compile(r"(?<![\w.])с#", re.IGNORECASE), "c#"),
    (re.compile(r"(?<![\w.])dotnet(?!\w)", re.IGNORECASE), ".net"),
    (re.compile(r"(?<![\w.])nodejs(?!\w)", re.IGNORECASE), "node.js"),
    (re.compile(r"(?<![\w.])vuejs(?!\w)", re.IGNORECASE), "vue.js"),
    (re.compile(r"(?<![\w.])reactjs(?!\w)", re.IGNORECASE), "react.js"),
    (re.compile(r"(?<![\w.])angularjs(?!\w)", re.IGNORECASE), "angular.js"),
]


def normalize(text):
    for pattern, replacement in ALIASES:
        text = pattern.sub(replacement, text)
    return text


def memory_mb():
    """(VmRSS, VmHWM) of this process in MB, from /proc/self/status (Linux)."""
    values = {}
    with open("/proc/self/status") as status:
        for line in status:
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values[key] = int(rest.split()[0]) / 1024
    return values.get("VmRSS", -1.0), values.get("VmHWM", -1.0)


def percentile_ms(samples_ns, p):
    """Nearest-rank percentile, the same definition caravan-bench uses."""
    if not samples_ns:
        return 0.0
    ordered = sorted(samples_ns)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1] / 1e6


def make_analyzer(tokenizer="regex"):
    return (
        TextAnalyzerBuilder(Tokenizer.regex(TOKEN_PATTERN) if tokenizer == "regex" else Tokenizer.simple())
        .filter(Filter.lowercase())
        .filter(Filter.stopword("russian"))
        .filter(Filter.stopword("english"))
        .filter(Filter.stemmer("russian"))
        .filter(Filter.stemmer("english"))
        .build()
    )


def build_index(path, threads, heap_mb, batch_size, tokenizer):
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw", index_option="basic")
    for field in FIELDS:
        # Frequencies without positions: BM25 needs no more, and our index stores no positions either.
        builder.add_text_field(field, tokenizer_name="caravan", index_option="freq")
    schema = builder.build()
    index = tantivy.Index(schema)  # in RAM, as ours is
    index.register_tokenizer("caravan", make_analyzer(tokenizer))
    writer = index.writer(heap_size=heap_mb * 1_000_000, num_threads=threads)

    indexed_ns = 0
    count = 0
    started = time.perf_counter_ns()

    def flush(batch):
        nonlocal indexed_ns
        before = time.perf_counter_ns()
        for document in batch:
            writer.add_document(document)
        indexed_ns += time.perf_counter_ns() - before

    batch = []
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            if not line.strip():
                continue
            record = json.loads(line)
            batch.append(tantivy.Document(
                id=record["id"],
                **{field: normalize(record.get(field) or "") for field in FIELDS},
            ))
            count += 1
            if len(batch) == batch_size:
                flush(batch)
                batch = []
    flush(batch)
    before = time.perf_counter_ns()
    writer.commit()
    writer.wait_merging_threads()
    indexed_ns += time.perf_counter_ns() - before
    total_ns = time.perf_counter_ns() - started
    del writer, batch
    gc.collect()
    index.reload()
    return index, schema, count, indexed_ns / 1e9, total_ns / 1e9


def make_query(schema, terms, weights, conjunctive):
    def field_clauses(term):
        return [
            (Occur.Should, Query.boost_query(Query.term_query(schema, field, term, index_option="freq"), weights[field]))
            for field in FIELDS
        ]

    if conjunctive:
        return Query.boolean_query([(Occur.Must, Query.boolean_query(field_clauses(t))) for t in terms])
    return Query.boolean_query([clause for t in terms for clause in field_clauses(t)])


def run_queries(index, schema, queries, weights, conjunctive, repeats, limit, tie_depth, tokenizer):
    analyzer = make_analyzer(tokenizer)
    searcher = index.searcher()
    prepared, prep_ns = [], []
    for text in queries:
        before = time.perf_counter_ns()
        terms = list(dict.fromkeys(analyzer.analyze(normalize(text))))
        query = make_query(schema, terms, weights, conjunctive) if terms else None
        prep_ns.append(time.perf_counter_ns() - before)
        prepared.append(query)

    samples = [[] for _ in queries]
    last_hits = [[] for _ in queries]
    for run in range(repeats + 1):
        for position, query in enumerate(prepared):
            if query is None:
                if run > 0:
                    samples[position].append(0)
                continue
            before = time.perf_counter_ns()
            result = searcher.search(query, limit, count=False)
            elapsed = time.perf_counter_ns() - before
            if run > 0:
                samples[position].append(elapsed)
            if run == repeats:
                last_hits[position] = result.hits

    per_query = []
    for position, query in enumerate(prepared):
        hits = last_hits[position]
        ids = [searcher.doc(address)["id"][0] for _, address in hits]
        scores = [float(score) for score, _ in hits]
        tied = []
        if query is not None and len(hits) == limit:
            tenth = scores[-1]
            depth = tie_depth
            while True:
                deeper = searcher.search(query, depth, count=False).hits
                tied = [searcher.doc(a)["id"][0] for s, a in deeper if s >= tenth * (1 - 1e-6)]
                # Go deeper while the tie may continue past what was fetched.
                if len(deeper) < depth or deeper[-1][0] < tenth * (1 - 1e-6) or depth >= 100_000:
                    break
                depth *= 4
            chosen = set(ids)
            tied = [doc_id for doc_id in tied if doc_id not in chosen]
        per_query.append({
            "text": queries[position],
            "ids": ids,
            "scores": scores,
            "tied_ids": tied,
            "ns": int(statistics.median(samples[position])),
            "prep_ns": prep_ns[position],
        })
    latencies = [entry["ns"] for entry in per_query]
    figures = {
        "p50_ms": percentile_ms(latencies, 50),
        "p95_ms": percentile_ms(latencies, 95),
        "prep_p50_ms": percentile_ms(prep_ns, 50),
    }
    return figures, per_query


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", required=True, help="folder with profiles.jsonl and queries.txt")
    parser.add_argument("--out", required=True, help="results JSON to write")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--limit", type=int, default=10)
    parser.add_argument("--threads", type=int, default=1,
                        help="indexing threads (1: the same single core our build uses)")
    parser.add_argument("--heap-mb", type=int, default=1000, help="indexing heap; larger makes fewer segments")
    parser.add_argument("--batch", type=int, default=200_000, help="documents prepared per timed batch")
    parser.add_argument("--tie-depth", type=int, default=200)
    parser.add_argument("--tokenizer", choices=("regex", "simple"), default="regex",
                        help="regex: keeps c++, c#, .net, node.js whole as ours does (the default, for like-for-like "
                             "results); simple: tantivy's own SimpleTokenizer, faster to index, splits those names")
    parser.add_argument("--weights", default="title=3,skills=2,summary=1",
                        help="field boosts; must equal IndexSchema.profile's weights")
    args = parser.parse_args()

    weights = {name: float(value) for name, value in (pair.split("=") for pair in args.weights.split(","))}
    with open(f"{args.data}/queries.txt", encoding="utf-8") as lines:
        queries = [line.rstrip("\n") for line in lines if line.strip()]

    index, schema, count, build_s, total_s = build_index(
        f"{args.data}/profiles.jsonl", args.threads, args.heap_mb, args.batch, args.tokenizer)
    rss, peak = memory_mb()
    segments = len(index.searcher().segment_readers()) if hasattr(index.searcher(), "segment_readers") else None
    print(f"tantivy: indexed {count} profiles in {build_s:.2f} s ({count / build_s:.0f}/s; "
          f"{total_s:.2f} s with parsing), rss {rss:.0f} MB", file=sys.stderr)

    or_figures, or_queries = run_queries(index, schema, queries, weights, False, args.repeats, args.limit, args.tie_depth, args.tokenizer)
    and_figures, and_queries = run_queries(index, schema, queries, weights, True, args.repeats, args.limit, args.tie_depth, args.tokenizer)

    result = {
        "engine": "tantivy",
        "version": importlib.metadata.version("tantivy"),
        "tokenizer": args.tokenizer,
        "profiles": count,
        "segments": segments,
        "index_threads": args.threads,
        "field_weights": weights,
        "k1": 1.2,
        "b": 0.75,
        "repeats": args.repeats,
        "build_seconds": build_s,
        "build_seconds_with_parsing": total_s,
        "build_profiles_per_s": count / build_s,
        "rss_mb": rss,
        "peak_rss_mb": peak,
        "or": or_figures,
        "and": and_figures,
        "queries": [
            {"text": o["text"], "or": {k: v for k, v in o.items() if k != "text"},
             "and": {k: v for k, v in a.items() if k != "text"}}
            for o, a in zip(or_queries, and_queries)
        ],
    }
    with open(args.out, "w", encoding="utf-8") as out:
        json.dump(result, out, ensure_ascii=False)
    for name, value in (("tantivy_or_p50_ms", or_figures["p50_ms"]), ("tantivy_or_p95_ms", or_figures["p95_ms"]),
                        ("tantivy_and_p50_ms", and_figures["p50_ms"]), ("tantivy_and_p95_ms", and_figures["p95_ms"]),
                        ("tantivy_build_profiles_per_s", round(count / build_s)), ("tantivy_rss_mb", round(rss, 1))):
        print(f"{name}: {value}", file=sys.stderr)


if __name__ == "__main__":
    main()
