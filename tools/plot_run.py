#!/usr/bin/python3
"""Plots a balnet run file as PNG: spike raster, population rates and recorded state.

    python3 tools/plot_run.py RUN.h5 [--out PREFIX] [--state V,w] [--t0 MS] [--t1 MS]
                              [--neurons N] [--smooth MS]

Writes PREFIX_raster.png (every recorded population, one colour each), PREFIX_rates.png
(/rates/<population>, optionally smoothed with a Gaussian of SD --smooth ms) and, if the
file holds state reports (/report/<population>/<variable>), PREFIX_state.png with one panel
per population and variable (up to --neurons traces each); a run with many single-neuron
populations, such as configs/pyn_gallery.ini, gives one panel per population. PREFIX
defaults to the file name without .h5. Needs Debian's python3-h5py, python3-numpy and
python3-matplotlib.
"""
import argparse
import os
import sys
import warnings

warnings.filterwarnings("ignore")

import h5py  # noqa: E402
import numpy as np  # noqa: E402
import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def text_attr(f, name, default=""):
    v = f.attrs.get(name, default)
    return v.decode() if isinstance(v, bytes) else str(v)


def raster(f, path, t0, t1, max_points=200000):
    if "spikes" not in f or not len(f["spikes"]):
        return False
    pops = sorted(f["spikes"], key=lambda p: int(f["populations"][p].attrs.get("first_gid", 0))
                  if "populations" in f and p in f["populations"] else 0)
    fig, ax = plt.subplots(figsize=(10, 5))
    offset = 0
    ticks, labels = [], []
    total = sum(f["spikes"][p]["timestamps"].shape[0] for p in pops)
    keep = min(1.0, max_points / max(1, total))
    rng = np.random.default_rng(0)
    for k, p in enumerate(pops):
        t = f["spikes"][p]["timestamps"][:]
        i = f["spikes"][p]["node_ids"][:]
        size = int(f["populations"][p].attrs["size"]) if "populations" in f and p in f["populations"] else (int(i.max()) + 1 if len(i) else 1)
        sel = (t >= t0) & (t <= t1)
        if keep < 1.0:
            sel &= rng.random(len(t)) < keep
        ax.plot(t[sel], i[sel] + offset, ".", ms=1.5, color=f"C{k % 10}", rasterized=True)
        ticks.append(offset + size / 2)
        labels.append(p)
        offset += size
    ax.set_yticks(ticks)
    ax.set_yticklabels(labels)
    ax.set_xlim(t0, t1)
    ax.set_ylim(0, max(offset, 1))
    ax.set_xlabel("time (ms)")
    title = "spike raster"
    if keep < 1.0:
        title += f" ({100 * keep:.0f}% of {total} spikes shown)"
    ax.set_title(title)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return True


def rates(f, path, t0, t1, smooth):
    if "rates" not in f or not len(f["rates"]):
        return False
    g = f["rates"]
    bin_ms = float(g.attrs.get("bin", 1.0))
    start = float(g.attrs.get("t_start", 0.0))
    fig, ax = plt.subplots(figsize=(10, 3.5))
    for k, p in enumerate(g):
        r = g[p][:]
        if smooth > 0 and len(r):
            w = np.arange(-int(4 * smooth / bin_ms), int(4 * smooth / bin_ms) + 1) * bin_ms
            kern = np.exp(-0.5 * (w / smooth) ** 2)
            r = np.convolve(r, kern / kern.sum(), mode="same")
        t = start + (np.arange(len(r)) + 0.5) * bin_ms
        sel = (t >= t0) & (t <= t1)
        ax.plot(t[sel], r[sel], color=f"C{k % 10}", lw=1, label=p)
    ax.set_xlim(t0, t1)
    ax.set_xlabel("time (ms)")
    ax.set_ylabel("rate (Hz)")
    ax.set_title(f"population rates ({bin_ms:g} ms bins" + (f", Gaussian smoothing {smooth:g} ms)" if smooth > 0 else ")"))
    ax.legend(loc="upper right", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return True


def state(f, path, t0, t1, variables, max_neurons):
    if "report" not in f:
        return False
    panels = []
    # Populations in the order of the configuration (their gids), not HDF5's name order.
    def first_gid(p):
        return int(f["populations"][p].attrs.get("first_gid", 0)) if "populations" in f and p in f["populations"] else 0
    for p in sorted(f["report"], key=first_gid):
        for v in f["report"][p]:
            if variables and v not in variables:
                continue
            panels.append((p, v))
    if not panels:
        return False
    cols = 1 if len(panels) <= 4 else (2 if len(panels) <= 8 else 4)
    rows = (len(panels) + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(5 * cols if cols > 1 else 10, 2.2 * rows), squeeze=False)
    spikes = f["spikes"] if "spikes" in f else {}
    for ax, (p, v) in zip(axes.flat, panels):
        g = f["report"][p][v]
        data = g["data"]
        start, stop, step = g["mapping"]["time"][:]
        ids = g["mapping"]["node_ids"][:]
        t = start + np.arange(data.shape[0]) * step
        sel = (t >= t0) & (t <= t1)
        n = min(max_neurons, data.shape[1])
        ax.plot(t[sel], data[:, :n][sel], lw=0.8)
        units = data.attrs.get("units", b"")
        units = units.decode() if isinstance(units, bytes) else str(units)
        model = ""
        if "populations" in f and p in f["populations"]:
            model = f["populations"][p].attrs.get("model", b"")
            model = model.decode() if isinstance(model, bytes) else str(model)
        avg = " (bin average)" if int(data.attrs.get("average", 0)) else ""
        ax.set_title(f"{p}: {v}{avg}" + (f"  [{model}]" if model and cols > 1 else ""), fontsize=9)
        ax.set_ylabel(f"{v} ({units})" if units else v, fontsize=8)
        ax.set_xlim(t0, t1)
        ax.tick_params(labelsize=7)
        if v == "V" and p in spikes and n == 1:
            st = spikes[p]["timestamps"][:]
            st = st[(spikes[p]["node_ids"][:] == ids[0]) & (st >= t0) & (st <= t1)]
            ax.plot(st, np.full(len(st), ax.get_ylim()[1]), "|", color="k", ms=4)
    for ax in axes.flat[len(panels):]:
        ax.axis("off")
    for ax in axes[-1]:
        ax.set_xlabel("time (ms)", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return len(panels)


def main():
    ap = argparse.ArgumentParser(description="Plots raster, population rates and recorded state of a balnet run file.")
    ap.add_argument("file")
    ap.add_argument("--out", help="prefix of the PNG files (default: the file name without .h5)")
    ap.add_argument("--state", default="", help="comma-separated state variables to plot (default: all recorded)")
    ap.add_argument("--t0", type=float, default=0.0, help="start of the time window (ms)")
    ap.add_argument("--t1", type=float, default=None, help="end of the time window (ms, default: end of run)")
    ap.add_argument("--neurons", type=int, default=5, help="traces per state panel")
    ap.add_argument("--smooth", type=float, default=0.0, help="SD of a Gaussian smoothing the rates (ms)")
    args = ap.parse_args()
    try:
        f = h5py.File(args.file, "r")
    except OSError as e:
        sys.exit(f"plot_run: cannot open {args.file}: {e}")
    prefix = args.out or os.path.splitext(args.file)[0]
    t1 = args.t1 if args.t1 is not None else float(f.attrs.get("t_end", f.attrs.get("t_stop", 1000.0)))
    variables = [v.strip() for v in args.state.split(",") if v.strip()]
    written = []
    if raster(f, prefix + "_raster.png", args.t0, t1):
        written.append(prefix + "_raster.png")
    if rates(f, prefix + "_rates.png", args.t0, t1, args.smooth):
        written.append(prefix + "_rates.png")
    panels = state(f, prefix + "_state.png", args.t0, t1, variables, args.neurons)
    if panels:
        written.append(f"{prefix}_state.png ({panels} panel{'s' if panels > 1 else ''})")
    if not written:
        sys.exit(f"plot_run: {args.file} holds no spikes, rates or state reports")
    for w in written:
        print(w)


if __name__ == "__main__":
    main()
