"""Numbers quoted in the prose of notebooks/04_drift_tests.ipynb, recomputed from the lesson's namespace.

The practice cells rebind ``scores``, ``shifted`` and ``rows``; the tables ``psi_table`` and ``ks_table`` and the
alarms ``any_alarm`` keep the section's results.
"""

_ALARMS = "(lambda rule: sum(any_alarm[rule]))"
_PAIRS = 'len(any_alarm["each column at 0.05"])'
_KS = 'ks_table["KS p-value"]'
_W = 'ks_table["Wasserstein / sd"]'

CLAIMS: dict[str, str] = {
    "9 × (1/200 + 1/200) = 0.09 for two batches of 200 rows and ten bins, close to the 0.085 measured": "'9 × (1/200 + 1/200) = {:.2f} for two batches of 200 rows and ten bins, close to the {:.3f} measured'.format("
    "(10 - 1) * (1 / 200 + 1 / 200), psi_table.loc[200, 'mean PSI'])",
    "batches of 200 rows have a mean PSI of 0.085 and reach 0.1 in 30% of the pairs; at 100\nrows the mean is 0.176"
    " and 77.5% of the pairs raise a false alarm": '(lambda t: f\'batches of 200 rows have a mean PSI of {t.loc[200, "mean PSI"]:.3f} and reach 0.1 in'
    ' {t.loc[200, "false alarms (PSI >= 0.1)"]:.0%} of the pairs; at 100\\nrows the mean is'
    ' {t.loc[100, "mean PSI"]:.3f} and {t.loc[100, "false alarms (PSI >= 0.1)"]:.1%} of the pairs raise a false'
    " alarm')(psi_table)",
    "At 5,000 rows the mean is 0.004": "f'At 5,000 rows the mean is {psi_table.loc[5000, \"mean PSI\"]:.3f}'",
    "a twentieth of their standard deviation of about 60 points": "(lambda sd: {20: 'a twentieth'}.get(round(sd / 3), f'1/{sd / 3:.0f}') + f' of their standard deviation of about"
    " {round(sd, -1):.0f} points')(data.make_applications(100_000, seed=1)['credit_score'].std())",
    "a median p-value of 0.37 at 200 rows, 0.002 at 10,000 rows and 2e-25 at 100,000 rows": f"(lambda p: f'a median p-value of {{p[200]:.2f}} at 200 rows, {{p[10_000]:.3f}} at 10,000 rows and"
    f" {{p[100_000]:.0e}} at 100,000 rows')({_KS})",
    "about 0.06 from 1,000 rows up, under the 0.1\nthreshold": f"(lambda w: f'about {{w.round(2).unique()[0]}} from 1,000 rows up, under the 0.1\\nthreshold'"
    f" if w.round(2).nunique() == 1 and (w < 0.1).all() else 'no single size')({_W}.loc[1000:])",
    "0.145 here": f"f'{{{_W}[200]:.3f}} here'",
    "1 − 0.95⁷ ≈ 0.30": "f'1 − 0.95⁷ ≈ {1 - 0.95 ** 7:.2f}'",
    "We check this on 60 pairs of days": f"f'We check this on {{{_PAIRS}}} pairs of days'",
    "12 of the 60 calm pairs (20%) raise at least one alarm; with Bonferroni, 2 do (3%)": f"(lambda raw, corrected, n: f'{{raw}} of the {{n}} calm pairs ({{raw / n:.0%}}) raise at least one alarm; with"
    f" Bonferroni, {{corrected}} do ({{corrected / n:.0%}})')({_ALARMS}('each column at 0.05'),"
    f" {_ALARMS}('Bonferroni: each at 0.05 / 7'), {_PAIRS})",
    "uncorrected rate is below 0.30": f"'uncorrected rate is ' + ('below' if {_ALARMS}('each column at 0.05') / {_PAIRS} < 1 - 0.95 ** 7 else 'not below')"
    " + f' {1 - 0.95 ** 7:.2f}'",
    "pairs of 200-row batches reached 0.1 in 30% of cases": "f'pairs of 200-row batches reached 0.1 in {psi_table.loc[200, \"false alarms (PSI >= 0.1)\"]:.0%} of cases'",
    "a median p-value of 0.37 at 200 rows and\n  2e-25 at 100,000": f"(lambda p: f'a median p-value of {{p[200]:.2f}} at 200 rows and\\n  {{p[100_000]:.0e}} at 100,000')({_KS})",
    "from 12 to 2 of 60 pairs": f'f\'from {{{_ALARMS}("each column at 0.05")}} to {{{_ALARMS}("Bonferroni: each at 0.05 / 7")}} of {{{_PAIRS}}} pairs\'',
}

NOT_COMPUTED: dict[str, str] = {
    "reading is below 0.1 stable, 0.1–0.25 moderate, above 0.25 significant": "the conventional PSI reading",
    "at alpha = 0.05 each": "the significance level, a convention",
    "at or below 0.05": "the bound Bonferroni guarantees, a theorem",
    "false-alarm at most at the 5% rate": "a property of KS on tied values (conservative), not a measurement",
}
