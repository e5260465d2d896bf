#!/usr/bin/env python3
"""Side by side on one corpus: scrutiny, tantivy-cli, SQLite FTS5 (porter)
and ripgrep. Run through benches/compare.sh, which installs the tools.

Each peer gets the passages scrutiny indexes (exported with `scrutiny export
--all --format jsonl`), with the same fields; making their input is timed
separately and not counted. Wall time and peak memory are those of each
tool's own process (os.wait4); query latency is a whole process per query,
as a person at a terminal would see it.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

QUERIES = [
    ("rare word", "sexting", "text:sexting", "sexting", ["sexting"]),
    ("common word", "committee", "text:committee", "committee", ["committee"]),
    ("two words", "taxi drivers", "+text:taxi +text:drivers", "taxi AND drivers", ["taxi", "drivers"]),
    ("phrase", '"child sexual exploitation"', 'text:"child sexual exploitation"',
     '"child sexual exploitation"', ["child sexual exploitation"]),
]


def run(command, stdin=None, stdout=subprocess.DEVNULL):
    """Runs a command; returns (seconds, peak memory in MB)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdin=stdin, stdout=stdout, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    error = process.stderr.read().decode(errors="replace")
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        sys.exit(f"{' '.join(command)} failed: {error}")
    return seconds, usage.ru_maxrss / 1024


def folder_mb(path):
    total = 0
    for root, _, files in os.walk(path):
        for name in files:
            total += os.path.getsize(os.path.join(root, name))
    return total / 1e6


def median_latency(command, repeat=5):
    times = sorted(run(command)[0] for _ in range(repeat))
    return times[len(times) // 2] * 1000


TANTIVY_FIELDS = [
    ("id", "raw", "basic"), ("council", "raw", "basic"), ("committee", "default", "position"),
    ("date", "raw", "basic"), ("topic", "en_stem", "position"), ("text", "en_stem", "position"),
]

SQLITE_LOAD = """
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("create virtual table passages using fts5(id unindexed, council, committee, date unindexed, topic, text, tokenize='porter unicode61')")
with db, open(sys.argv[2]) as rows:
    db.executemany("insert into passages values (?, ?, ?, ?, ?, ?)",
        ((r["id"], r["council"], r["committee"], r["date"], r["topic"], r["text"]) for r in map(json.loads, rows)))
"""

SQLITE_QUERY = """
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
rows = db.execute("select id, snippet(passages, 5, '[', ']', '...', 20) from passages where passages match ? order by rank limit 10", (sys.argv[2],)).fetchall()
"""


RUNS = int(os.environ.get("SCRUTINY_COMPARE_RUNS", "3"))


def median(values):
    return sorted(values)[len(values) // 2]


def main():
    corpus, scrutiny = sys.argv[1], sys.argv[2]
    threads = os.cpu_count()
    work = tempfile.mkdtemp(prefix="scrutiny-compare-")
    try:
        corpus_mb = folder_mb(corpus)
        index = os.path.join(work, "scrutiny")
        tantivy_dir = os.path.join(work, "tantivy")
        database = os.path.join(work, "fts5.db")

        def build_scrutiny():
            return run([scrutiny, "index", corpus, "--index", index, "--rebuild", "-q"])

        first = build_scrutiny()

        passages = os.path.join(work, "passages.jsonl")
        started = time.perf_counter()
        with open(passages, "w") as out:
            subprocess.run([scrutiny, "export", "--all", "--format", "jsonl", "--index", index,
                            "--no-refresh", "-q"], stdout=out, check=True)
        export_seconds = time.perf_counter() - started
        count = sum(1 for _ in open(passages))
        text_mb = sum(len((json.loads(line)["text"] or "").encode()) for line in open(passages)) / 1e6

        # tantivy-cli: the same fields, from its own JSON documents.
        schema = [{"name": name, "type": "text", "options": {
            "indexing": {"record": record, "fieldnorms": True, "tokenizer": tokenizer},
            "stored": name in ("id", "text"), "fast": False}} for name, tokenizer, record in TANTIVY_FIELDS]
        documents = os.path.join(work, "tantivy.jsonl")
        with open(passages) as source, open(documents, "w") as out:
            for line in source:
                row = json.loads(line)
                out.write(json.dumps({name: row[name] or "" for name, _, _ in TANTIVY_FIELDS}) + "\n")

        def build_tantivy():
            shutil.rmtree(tantivy_dir, ignore_errors=True)
            os.makedirs(tantivy_dir)
            with open(os.path.join(tantivy_dir, "meta.json"), "w") as meta:
                json.dump({"index_settings": {"docstore_compression": "lz4", "docstore_blocksize": 16384},
                           "segments": [], "schema": schema, "opstamp": 0}, meta)
            with open(documents) as feed:
                return run(["tantivy", "index", "-i", tantivy_dir, "-t", str(threads)], stdin=feed)

        def build_fts5():
            if os.path.exists(database):
                os.remove(database)
            return run([sys.executable, "-c", SQLITE_LOAD, database, passages])

        # Each tool builds its index RUNS times, the tools taking turns, so
        # that a slow moment of a shared machine falls on all of them.
        timings = {"scrutiny": [first], "tantivy-cli": [], "SQLite FTS5": []}
        for run_number in range(RUNS):
            if run_number > 0:
                timings["scrutiny"].append(build_scrutiny())
            timings["tantivy-cli"].append(build_tantivy())
            timings["SQLite FTS5"].append(build_fts5())
        sizes = {"scrutiny": folder_mb(index), "tantivy-cli": folder_mb(tantivy_dir),
                 "SQLite FTS5": os.path.getsize(database) / 1e6}
        rows = {tool: [median([seconds for seconds, _ in runs]), max(memory for _, memory in runs), sizes[tool]]
                for tool, runs in timings.items()}

        print(f"corpus {corpus}: {corpus_mb:.1f} MB of files, {count} passages, {text_mb:.1f} MB of passage text; "
              f"{threads} threads; export to JSON lines {export_seconds:.1f} s (not counted); "
              f"index times are the median of {RUNS} runs each, the tools taking turns\n")
        print("| tool | index wall | MB/s (corpus) | peak memory | index size | scrutiny's speed ÷ this tool's |")
        print("|---|---|---|---|---|---|")
        for tool, (seconds, memory, size) in rows.items():
            ratio = rows[tool][0] / rows["scrutiny"][0]
            print(f"| {tool} | {seconds:.2f} s | {corpus_mb / seconds:.1f} | {memory:.0f} MB | "
                  f"{size:.1f} MB ({size / corpus_mb:.2f}×) | {ratio:.2f}× |")

        print("\n| query | scrutiny search | tantivy-cli search | SQLite FTS5 | ripgrep (no index) |")
        print("|---|---|---|---|---|")
        for kind, ours, theirs, fts, words in QUERIES:
            scrutiny_ms = median_latency([scrutiny, "search", ours, "--index", index, "--no-refresh", "-q"])
            tantivy_ms = median_latency(["tantivy", "search", "-i", tantivy_dir, "-q", theirs])
            sqlite_ms = median_latency([sys.executable, "-c", SQLITE_QUERY, database, fts])
            pattern = words[0] if len(words) == 1 else words[0]
            rg_ms = median_latency(["rg", "-c", "-i", "-w", "-F", pattern, corpus])
            print(f"| {kind} `{ours}` | {scrutiny_ms:.0f} ms | {tantivy_ms:.0f} ms | {sqlite_ms:.0f} ms | {rg_ms:.0f} ms |")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
