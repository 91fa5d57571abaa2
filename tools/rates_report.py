#!/usr/bin/env python3
"""Summary and figures of a `balnet rates` output file (project 3, docs/rates.md).

usage: tools/rates_report.py RUN.h5 [--out DIR] [--window N]

Prints, per condition, the measures before and after training (E/I co-tuning cc, I- and
E-cell OSI, E rate error, correlation of E<->I weights with E-I response similarity), the
mean APPROXIMATE-vs-gradient angles and convergence counts, then the perturbation curve if
the file has one. Writes DIR/rates_summary.json and PNG figures:
  measures.png  bars of cc, OSI(I), OSI(E), E error per condition, before and after
  cotuning.png  distribution of the per-cell Spearman cc after training
  training.png  per-presentation diagnostics (running means): rates, weights, steps, angles
  assemblies.png  final I->E weight vs E-I response similarity (BOTH, or the first condition)
  perturb.png   mean rate change per unit input vs response correlation (+- SEM)
"""
import argparse
import json
import os
import sys

import h5py
import numpy as np


def attrs(g):
    return {k: (v.decode() if isinstance(v, bytes) else float(v) if np.isscalar(v) else v) for k, v in g.attrs.items()}


def weight_similarity_corr(f, cond, which):
    """Pearson correlation, over existing synapses, between a final plastic weight and the
    after-training response similarity of its E and I cell (positive: E/I assemblies)."""
    sim = f[f"rates/{cond}/measures_after/response_sim_ei"][()]  # N_E x N_I
    if which == "ei":
        w, z = f[f"rates/{cond}/w_ei"][()], f["rates/network/z_ei"][()]
        s = sim
    else:
        w, z = f[f"rates/{cond}/w_ie"][()], f["rates/network/z_ie"][()]
        s = sim.T
    m = (z != 0) & np.isfinite(s)
    if m.sum() < 3 or np.std(w[m]) == 0 or np.std(s[m]) == 0:
        return float("nan")
    return float(np.corrcoef(w[m], s[m])[0, 1])


def running_mean(x, n):
    x = np.asarray(x, dtype=float)
    if n <= 1 or x.size < n:
        return np.arange(x.size), x
    ok = np.isfinite(x)
    c = np.convolve(np.where(ok, x, 0), np.ones(n), "valid")
    k = np.convolve(ok.astype(float), np.ones(n), "valid")
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.arange(n - 1, x.size), c / k


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("file")
    ap.add_argument("--out", default=".", help="folder for the figures and rates_summary.json (default: .)")
    ap.add_argument("--window", type=int, default=0, help="running-mean window in presentations (default: one trial)")
    args = ap.parse_args()
    f = h5py.File(args.file, "r")
    if f.attrs.get("mode", b"") not in (b"rates", "rates"):
        sys.exit(f"{args.file}: not a balnet rates output (root attribute mode != rates)")
    os.makedirs(args.out, exist_ok=True)
    conds = [c for c in ("NEITHER", "BOTH", "EXC", "INH") if f"rates/{c}" in f]
    n_stim = int(np.prod(f["rates/network/afferents"].shape[:-1]))
    window = args.window or n_stim
    summary = {"file": args.file, "rule": attrs(f)["rule"], "n_trials": attrs(f)["n_trials"], "conditions": {}}
    head = f"{'cond':8} {'cc bef':>7} {'cc aft':>7} {'OSI_I b':>8} {'OSI_I a':>8} {'OSI_E a':>8} {'Eerr b':>7} {'Eerr a':>7} " \
           f"{'r(wEI,sim)':>10} {'r(wIE,sim)':>10} {'angEI':>6} {'angIE':>6} {'nonconv':>8}"
    print(f"{args.file}: {summary['rule']}, {summary['n_trials']:.0f} trials")
    print(head)
    for c in conds:
        b, a = attrs(f[f"rates/{c}/measures_before"]), attrs(f[f"rates/{c}/measures_after"])
        d = f[f"rates/{c}/diagnostics"]
        ang_ei, ang_ie = d["angle_ei"][()], d["angle_ie"][()]
        row = {
            "cc_before": b["cc_mean"], "cc_after": a["cc_mean"],
            "cp_percent_after": a["cp_percent_above_1e-3"],
            "osi_i_before": b["osi_i_mean"], "osi_i_after": a["osi_i_mean"],
            "osi_e_before": b["osi_e_mean"], "osi_e_after": a["osi_e_mean"],
            "e_error_rms_before": b["e_error_rms"], "e_error_rms_after": a["e_error_rms"],
            "w_ei_vs_similarity": weight_similarity_corr(f, c, "ei"),
            "w_ie_vs_similarity": weight_similarity_corr(f, c, "ie"),
            "angle_ei_mean": float(np.nanmean(ang_ei)) if np.isfinite(ang_ei).any() else float("nan"),
            "angle_ie_mean": float(np.nanmean(ang_ie)) if np.isfinite(ang_ie).any() else float("nan"),
            "angles_computed": int(np.isfinite(ang_ei).sum() + np.isfinite(ang_ie).sum()),
            "non_converged_training": attrs(d)["non_converged"],
            "presentations": attrs(d)["presentations"],
            "seconds_per_presentation": attrs(f[f"rates/{c}"])["seconds_per_presentation"],
        }
        summary["conditions"][c] = row
        print(f"{c:8} {row['cc_before']:7.3f} {row['cc_after']:7.3f} {row['osi_i_before']:8.3f} {row['osi_i_after']:8.3f} "
              f"{row['osi_e_after']:8.3f} {row['e_error_rms_before']:7.2f} {row['e_error_rms_after']:7.2f} "
              f"{row['w_ei_vs_similarity']:10.3f} {row['w_ie_vs_similarity']:10.3f} {row['angle_ei_mean']:6.1f} "
              f"{row['angle_ie_mean']:6.1f} {row['non_converged_training']:8.0f}")
    if "rates/perturb" in f:
        p = f["rates/perturb"]
        curve = {k: p[k][()].tolist() for k in ("bin_centre", "mean", "sem", "count")}
        curve["cells"] = int(p["cells"].shape[0])
        summary["perturb"] = curve
        print(f"perturbation curve ({curve['cells']} cells): correlation bin -> mean rate change per unit input +- SEM")
        for x, m, s, n in zip(curve["bin_centre"], curve["mean"], curve["sem"], curve["count"]):
            print(f"  {x:+.3f}: {m:+.3e} +- {s:.1e} ({n:.0f} pairs)")
    with open(os.path.join(args.out, "rates_summary.json"), "w") as out:
        json.dump(summary, out, indent=1, default=lambda v: None)

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    if conds:
        fig, axes = plt.subplots(1, 4, figsize=(14, 3.2))
        x = np.arange(len(conds))
        for ax, key, label in zip(axes, ("cc", "osi_i", "osi_e", "e_error_rms"),
                                  ("E/I input co-tuning (Spearman cc)", "I-cell OSI", "E-cell OSI", "E rate error (rms)")):
            ax.bar(x - 0.2, [summary["conditions"][c][f"{key}_before"] for c in conds], 0.4, label="before")
            ax.bar(x + 0.2, [summary["conditions"][c][f"{key}_after"] for c in conds], 0.4, label="after")
            ax.set_xticks(x, conds)
            ax.set_title(label, fontsize=9)
        axes[0].legend(fontsize=8)
        fig.tight_layout()
        fig.savefig(os.path.join(args.out, "measures.png"), dpi=110)

        fig, ax = plt.subplots(figsize=(5, 3.5))
        for c in conds:
            cc = f[f"rates/{c}/measures_after/cc"][()]
            ax.hist(cc[np.isfinite(cc)], bins=30, range=(-1, 1), histtype="step", label=c)
        ax.set_xlabel("Spearman cc (exc vs inh input) per E cell, after training")
        ax.set_ylabel("cells")
        ax.legend(fontsize=8)
        fig.tight_layout()
        fig.savefig(os.path.join(args.out, "cotuning.png"), dpi=110)

        fig, axes = plt.subplots(2, 3, figsize=(13, 6))
        for c in conds:
            d = f[f"rates/{c}/diagnostics"]
            mu = d["recording_mu"][()]
            series = [(mu[:, 0, 0], "mean r_E"), (mu[:, 1, 0], "mean r_I"), (mu[:, 2, 0], "mean w_EI (I->E)"),
                      (mu[:, 3, 0], "mean w_IE (E->I)"), (d["steps"][()], "Euler steps to converge"),
                      (d["angle_ei"][()], "angle approx vs gradient, I->E (deg)")]
            for ax, (y, label) in zip(axes.flat, series):
                t, m = running_mean(y, window if "angle" not in label else max(1, window // 100))
                ax.plot(t, m, label=c, lw=1)
                ax.set_title(label, fontsize=9)
        axes[0, 0].legend(fontsize=8)
        for ax in axes[1]:
            ax.set_xlabel("presentation")
        fig.tight_layout()
        fig.savefig(os.path.join(args.out, "training.png"), dpi=110)

        c = "BOTH" if "BOTH" in conds else conds[0]
        sim = f[f"rates/{c}/measures_after/response_sim_ei"][()]
        w, z = f[f"rates/{c}/w_ei"][()], f["rates/network/z_ei"][()]
        m = z != 0
        fig, ax = plt.subplots(figsize=(4.5, 3.5))
        ax.scatter(sim[m], w[m], s=1, alpha=0.3)
        ax.set_xlabel("E-I response similarity (cosine), after")
        ax.set_ylabel("final I->E weight")
        ax.set_title(f"{c}: r = {weight_similarity_corr(f, c, 'ei'):.3f}", fontsize=9)
        fig.tight_layout()
        fig.savefig(os.path.join(args.out, "assemblies.png"), dpi=110)

    if "perturb" in summary:
        cv = summary["perturb"]
        fig, ax = plt.subplots(figsize=(4.5, 3.5))
        ax.errorbar(cv["bin_centre"], cv["mean"], yerr=cv["sem"], marker="o", capsize=3)
        ax.axhline(0, color="k", lw=0.5)
        ax.set_xlabel("response correlation with the perturbed cell")
        ax.set_ylabel("rate change per unit input")
        ax.set_title(f"PERTURB, {cv['cells']} cells", fontsize=9)
        fig.tight_layout()
        fig.savefig(os.path.join(args.out, "perturb.png"), dpi=110)
    print(f"figures and rates_summary.json in {args.out}")


if __name__ == "__main__":
    main()
