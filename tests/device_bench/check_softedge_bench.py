#!/usr/bin/env python3
"""Checks softedge-bench (benchmarks/softedge_bench_device) end to end, natively or under qemu.

  check_softedge_bench.py CASE --models DIR --work DIR --kernels LIST [--exact] -- COMMAND...

COMMAND runs softedge-bench (with its emulator prefix in cross builds). --kernels lists the
kernel sets this CPU must report as runnable (--exact: exactly these; otherwise the runnable
ones must be a non-empty subset that includes scalar). Timings are never asserted: under
emulation they mean nothing, and the machines are shared.
"""
import argparse
import csv
import gzip
import io
import json
import os
import subprocess
import sys

# Tiny iteration counts: under qemu every case still runs, in a few seconds.
QUICK = ["--benchmark_min_time=0.001", "--evict-kib", "256", "--batch", "1,16"]


def fail(message):
    print("FAIL: " + message)
    sys.exit(1)


def run(command, args):
    result = subprocess.run(command + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, timeout=600)
    return result.returncode, result.stdout, result.stderr


def expect(condition, message):
    if not condition:
        fail(message)


def ok_run(command, args):
    code, out, err = run(command, args)
    if code != 0:
        fail("exit status %d for %s\nstderr:\n%s" % (code, " ".join(args), err))
    return out, err


def check_kernels(context, options):
    runnable = context["kernels_runnable"].split(",")
    wanted = options.kernels.split(",")
    if options.exact:
        expect(runnable == wanted, "runnable kernel sets %s, expected %s" % (runnable, wanted))
    else:
        expect("scalar" in runnable and set(runnable) <= set(wanted),
               "runnable kernel sets %s not within %s" % (runnable, wanted))
    return runnable


def check_distribution(benchmark):
    values = [benchmark[k] for k in ("p50", "p90", "p99", "max")]
    # p50 may be 0 with a coarse clock and a fast call; the slowest sample never is.
    expect(0 <= values[0] <= values[1] <= values[2] <= values[3] and values[3] > 0,
           "%s: percentiles out of order: %s" % (benchmark["name"], values))


def check_json_run(document, models, batches, runnable, shapes):
    expect(sorted(document.keys()) == ["benchmarks", "context"],
           "top-level keys %s" % sorted(document.keys()))
    context = document["context"]
    for key in ("timer", "images", "kernel_default", "cold_start", "stack_bytes", "counters",
                "softedge_version"):
        expect(key in context, "context lacks %s" % key)
    expect("t10k-images-idx3-ubyte" in context["images"], "images: " + context["images"])
    names = {b["name"]: b for b in document["benchmarks"]}
    for model, shape in zip(models, shapes):
        # "PATH, SHAPE TYPE, N bytes, scratch N bytes, stack N bytes"
        described = context["model " + model]
        size = os.path.getsize(os.path.join(OPTIONS.models, model + ".sedg"))
        expect(shape in described and ", %d bytes," % size in described,
               "model %s: %s" % (model, described))
        stack = int(described.split("stack ")[1].split(" ")[0])
        expect(0 < stack < 65536, "stack of %s: %d" % (model, stack))
        for kernel in runnable:
            for batch in batches:
                name = "%s/batch:%d/%s/manual_time" % (model, batch, kernel)
                expect(name in names, "no benchmark " + name)
                expect(names[name]["items_per_second"] > 0, name + ": no items_per_second")
                check_distribution(names[name])
        cold = [b for n, b in names.items() if n.startswith(model + "/cold_start/")]
        expect(len(cold) == 1, "cold_start of %s: %s" % (model, [b["name"] for b in cold]))
        expect(cold[0]["name"] == "%s/cold_start/%s/manual_time" % (model, context["kernel_default"]),
               "cold start runs on %s, default kernel %s" % (cold[0]["name"], context["kernel_default"]))
        check_distribution(cold[0])
    expected_count = len(models) * (len(runnable) * len(batches) + 1)
    expect(len(document["benchmarks"]) == expected_count,
           "%d benchmarks, expected %d" % (len(document["benchmarks"]), expected_count))


def models_args(models):
    return [os.path.join(OPTIONS.models, m + ".sedg") for m in models] + [
        "--images", os.path.join(OPTIONS.models, "t10k-images-idx3-ubyte")]


def case_json(command):
    """JSON on stdout alone (the tables go to stderr), --benchmark_out as JSON too."""
    out_file = os.path.join(OPTIONS.work, "out.json")
    if os.path.exists(out_file):
        os.remove(out_file)
    models = ["d2l", "d2l-int8"]
    out, err = ok_run(command, models_args(models) + QUICK + [
        "--benchmark_format=json", "--benchmark_out=" + out_file, "--benchmark_out_format=json"])
    document = json.loads(out)  # raises (fails the test) unless stdout is exactly JSON
    runnable = check_kernels(document["context"], OPTIONS)
    check_json_run(document, models, [1, 16], runnable, ["784-10 float32", "784-10 int8"])
    with open(out_file) as f:
        saved = json.load(f)
    expect([b["name"] for b in saved["benchmarks"]] == [b["name"] for b in document["benchmarks"]],
           "--benchmark_out holds other benchmarks than stdout")
    expect("memory per model" in err and "int8 against float32" in err,
           "the summary tables are not on stderr:\n" + err)
    if len(runnable) > 1:
        expect("kernel set against scalar" in err, "no kernel ratio table on stderr")
    print("json: %d benchmarks, kernels %s, context keys %s" % (
        len(document["benchmarks"]), ",".join(runnable), sorted(document["context"].keys())))


def case_mlp(command):
    """The 784-256-10 network, float and int8, in one run with the lesson's model."""
    models = ["mlp", "mlp-int8", "d2l"]
    out, err = ok_run(command, models_args(models) + QUICK + ["--benchmark_format=json"])
    document = json.loads(out)
    runnable = check_kernels(document["context"], OPTIONS)
    check_json_run(document, models, [1, 16], runnable,
                   ["784-256-10 float32", "784-256-10 int8", "784-10 float32"])
    expect("each model against mlp" in err, "no model-against-model table:\n" + err)
    print("mlp: %d benchmarks" % len(document["benchmarks"]))


def case_console(command):
    """The console table first, the summary after it on stdout."""
    out, err = ok_run(command, models_args(["d2l", "d2l-int8"]) + QUICK)
    lines = out.splitlines()
    header = [i for i, l in enumerate(lines) if l.startswith("Benchmark ")]
    expect(len(header) == 1, "no console header in stdout:\n" + out)
    rows = [i for i, l in enumerate(lines) if l.startswith(("d2l/", "d2l-int8/"))]
    summary = [i for i, l in enumerate(lines) if l.startswith("memory per model")]
    expect(rows and summary and rows[-1] < summary[0],
           "the summary does not follow the benchmark table:\n" + out)
    expect("int8 against float32" in out and "time per call" in out, "summary incomplete:\n" + out)
    expect("kernels_runnable:" in err, "context (on stderr) lacks the kernel sets:\n" + err)
    print("console: %d benchmark rows, then the summary" % len(rows))


def case_csv(command):
    """--benchmark_format=csv: stdout is CSV only."""
    out, err = ok_run(command, models_args(["d2l-int8"]) + QUICK + ["--benchmark_format=csv"])
    table = list(csv.reader(io.StringIO(out)))
    expect(table and table[0][:2] == ["name", "iterations"], "CSV header: %s" % table[:1])
    expect(all(len(row) == len(table[0]) for row in table), "ragged CSV")
    names = [row[0] for row in table[1:]]
    expect(any("/batch:16/" in n for n in names) and any("/cold_start/" in n for n in names),
           "CSV rows: %s" % names)
    expect("memory per model" in err, "summary not on stderr")
    print("csv: %d rows" % (len(table) - 1))


def case_filter_repetitions(command):
    """--benchmark_filter and --benchmark_repetitions act as documented."""
    out, err = ok_run(command, models_args(["d2l", "d2l-int8"]) + [
        "--benchmark_min_time=0.001", "--evict-kib", "0", "--benchmark_filter=int8/batch:1/",
        "--benchmark_repetitions=2", "--benchmark_format=json"])
    document = json.loads(out)
    benchmarks = document["benchmarks"]
    expect(benchmarks, "filter matched nothing")
    expect(all(b["name"].startswith("d2l-int8/batch:1/") for b in benchmarks),
           "filter let through %s" % [b["name"] for b in benchmarks])
    iterations = [b for b in benchmarks if b["run_type"] == "iteration"]
    medians = [b for b in benchmarks if b.get("aggregate_name") == "median"]
    kernels = len(document["context"]["kernels_benchmarked"].split(","))
    expect(len(iterations) == 2 * kernels and len(medians) == kernels,
           "%d runs and %d medians for %d kernel sets" % (len(iterations), len(medians), kernels))
    expect(all(b["repetitions"] == 2 for b in benchmarks), "repetitions not 2")
    expect("d2l-int8/batch:1/scalar" in err and "p99" in err,
           "latency summary missing on stderr:\n" + err)
    print("filter+repetitions: %d runs, %d medians" % (len(iterations), len(medians)))


def case_kernel(command):
    """--kernel NAME benchmarks that set only."""
    kernel = OPTIONS.kernels.split(",")[-1] if OPTIONS.exact else "scalar"
    out, _ = ok_run(command, models_args(["d2l-int8"]) + QUICK + [
        "--kernel", kernel, "--benchmark_format=json"])
    names = [b["name"] for b in json.loads(out)["benchmarks"]]
    expect(names and all(n.split("/")[2] == kernel for n in names), "--kernel %s: %s" % (kernel, names))
    print("kernel %s: %d benchmarks" % (kernel, len(names)))


def case_errors(command):
    """Bad input: a message naming the file on stderr, nothing on stdout, exit 1 (2: usage)."""
    work = OPTIONS.work
    d2l = os.path.join(OPTIONS.models, "d2l.sedg")
    images = os.path.join(OPTIONS.models, "t10k-images-idx3-ubyte")
    truncated = os.path.join(work, "truncated.sedg")
    with open(d2l, "rb") as f, open(truncated, "wb") as g:
        g.write(f.read()[:100])
    corrupted = os.path.join(work, "corrupted.sedg")
    with open(d2l, "rb") as f:
        data = bytearray(f.read())
    data[len(data) // 2] ^= 0x40
    with open(corrupted, "wb") as g:
        g.write(data)
    gzipped = os.path.join(work, "images.gz")
    with open(images, "rb") as f, gzip.open(gzipped, "wb") as g:
        g.write(f.read(16 + 784 * 4))
    small = os.path.join(work, "small-idx3-ubyte")
    with open(small, "wb") as g:
        g.write(bytes([0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0, 10, 0, 0, 0, 10]) + bytes(100))
    missing = os.path.join(work, "no-such-model.sedg")
    cases = [
        ([missing], 1, [missing, "No such file"]),
        ([work], 1, [work, "not a regular file"]),
        ([images], 1, [images, "not a usable softedge model"]),
        ([truncated], 1, [truncated, "not a usable softedge model"]),
        ([corrupted], 1, [corrupted, "checksum mismatch"]),
        ([d2l, missing], 1, [missing]),
        ([d2l, "--images", gzipped], 1, [gzipped, "gzip"]),
        ([d2l, "--images", small], 1, [d2l, small, "784"]),
        ([d2l, "--images", missing], 1, [missing]),
        ([], 2, ["no model file given", "usage:"]),
        ([d2l, "--frobnicate"], 2, ["unknown option --frobnicate"]),
        ([d2l, "--benchmark_frobnicate=1"], 2, ["--benchmark_frobnicate"]),
        ([d2l, "--kernel", "no-such-set"], 2, ["no-such-set", "scalar"]),
        ([d2l, "--batch", "0"], 2, ["--batch"]),
        ([d2l, "--batch"], 2, ["--batch needs a value"]),
    ]
    for args, status, needles in cases:
        code, out, err = run(command, args)
        label = " ".join(args) or "(no arguments)"
        expect(code == status, "%s: exit %d, expected %d\nstderr: %s" % (label, code, status, err))
        expect(out == "", "%s: printed on stdout:\n%s" % (label, out))
        for needle in needles:
            expect(needle.lower() in err.lower(), "%s: stderr lacks %r:\n%s" % (label, needle, err))
    print("errors: %d cases, each with its message and nothing on stdout" % len(cases))


def case_help(command):
    out, _ = ok_run(command, ["--help"])
    expect("usage: softedge-bench" in out and "--benchmark_format" in out, "help:\n" + out)
    print("help: ok")


def case_desktop_bench(command):
    """The desktop softedge_bench: its own reporter replaced by Google Benchmark's, so JSON and
    CSV are clean on stdout and the ratio tables follow the console table; the MLP included."""
    quick = ["--benchmark_filter=single_image/scalar", "--benchmark_min_time=0.001"]
    out, err = ok_run(command, quick + ["--benchmark_format=json"])
    names = [b["name"] for b in json.loads(out)["benchmarks"]]
    wanted = ["%s/single_image/scalar" % m for m in ("d2l", "d2l-int8", "mlp", "mlp-int8")]
    expect(names == wanted, "benchmarks %s, expected %s" % (names, wanted))
    expect("int8 against float32" in err, "ratio table not on stderr:\n" + err)
    out, err = ok_run(command, quick + ["--benchmark_format=csv"])
    table = list(csv.reader(io.StringIO(out)))
    expect(table[0][:2] == ["name", "iterations"] and [r[0] for r in table[1:]] == wanted,
           "CSV: %s" % table)
    out, _ = ok_run(command, quick)
    lines = out.splitlines()
    last_row = max(i for i, l in enumerate(lines) if l.startswith("mlp-int8/single_image/scalar"))
    ratios = [i for i, l in enumerate(lines) if l.startswith("int8 against float32")]
    expect(ratios and last_row < ratios[0], "ratios do not follow the console table:\n" + out)
    print("softedge_bench: JSON, CSV and console output as Google Benchmark documents them")


CASES = {"softedge_bench": case_desktop_bench, "json": case_json, "mlp": case_mlp, "console": case_console, "csv": case_csv,
         "filter-repetitions": case_filter_repetitions, "kernel": case_kernel,
         "errors": case_errors, "help": case_help}

if __name__ == "__main__":
    argv = sys.argv[1:]
    split = argv.index("--")
    parser = argparse.ArgumentParser()
    parser.add_argument("case", choices=sorted(CASES))
    parser.add_argument("--models", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--kernels", required=True)
    parser.add_argument("--exact", action="store_true")
    OPTIONS = parser.parse_args(argv[:split])
    os.makedirs(OPTIONS.work, exist_ok=True)
    CASES[OPTIONS.case](argv[split + 1:])
