"""Numbers quoted in the prose of notebooks/03_data_monitoring.ipynb, recomputed from the lesson's namespace.

The practice cells rebind ``reference``, ``scores``, ``shifted``, ``stream`` and ``rows``: the expressions rebuild the
reference day and the detector table's reports from the lesson's own calls.
"""

_REFERENCE = "data.make_stream(n_days=4, rows_per_day=1000, seed=1).query('day == 2')"
_INPUTS = f"(lambda name: drift.drift_report({_REFERENCE}, batches[name], columns=features, bonferroni=True))"
_PREDICTIONS = (
    "(lambda name: drift.drift_report(reference_predictions,"
    " pd.DataFrame({'prediction': model.predict(batches[name][features])})).dataset_drift)"
)
_LABELS = f"(lambda name: drift.drift_report({_REFERENCE}, batches[name], columns=[data.LABEL]).dataset_drift)"
_ACCURACY = "(lambda name: models.accuracy(model, batches[name]))"
_WORDS = "{0: 'no', 2: 'two', 5: 'five', 7: 'seven'}"
_ALARMS = "(lambda rule: sum(any_alarm[rule]))"
_PAIRS = 'len(any_alarm["each column at 0.05"])'
_KS = 'ks_table["KS p-value"]'
_W = 'ks_table["Wasserstein / sd"]'

CLAIMS: dict[str, str] = {
    "so that 60% of them default instead of\nabout a third": "(lambda prior, today: f'so that {prior:.0%} of them default instead of\\n'"
    " + ('about a third' if abs(today - 1 / 3) < 0.02 else f'{today:.0%}'))"
    "(batches['prior']['default'].mean(), batches['no drift']['default'].mean())",
    "tests each of the seven features": f"'tests each of the ' + {_WORDS}[len(features)] + ' features'",
    "income and credit score are flagged; predictions and labels shift too": f"' and '.join({_INPUTS}('covariate').drifted_columns).replace('_', ' ') + ' are flagged; predictions and labels '"
    f" + ('shift too' if {_PREDICTIONS}('covariate') and {_LABELS}('covariate') else 'do not all shift')",
    "Yet accuracy barely moves (0.840 against 0.847)": f"(lambda now: f'Yet accuracy barely moves ({{now:.3f}} against {{reference_accuracy:.3f}})'"
    " if reference_accuracy - now < 0.05 else 'it moves')"
    f"({_ACCURACY}('covariate'))",
    "five features drift, because defaulters and payers differ in them and there are now more\n  defaulters;"
    " predictions and labels shift. Accuracy is 0.836": f"(lambda n, shift, accuracy: f'{{n}} features drift, because defaulters and payers differ in them and there are"
    " now more\\n  defaulters; predictions and labels {shift}. Accuracy is {accuracy:.3f}')"
    f"({_WORDS}[len({_INPUTS}('prior').drifted_columns)],"
    f" 'shift' if {_PREDICTIONS}('prior') and {_LABELS}('prior') else 'do not all shift', {_ACCURACY}('prior'))",
    "every test on inputs and predictions is silent, because neither changed. Even the label share\n  is silent": f"'every test on inputs and predictions is ' + ('silent' if not ({_INPUTS}('concept').drifted_columns or"
    f" {_PREDICTIONS}('concept')) else 'not silent') + ', because neither changed. Even the label share\\n  is '"
    f" + ('silent' if not {_LABELS}('concept') else 'not silent')",
    "keep the share of defaults where it was (a third)": "'keep the share of defaults where it was ({})'.format("
    "'a third' if abs(batches['concept'][data.LABEL].mean() - 1 / 3) < 0.02 else 'not a third')",
    'below the 0.671 of predicting "no default" for everyone': "'below the {:.3f} of predicting \"no default\" for everyone'.format(1 - batches['concept'][data.LABEL].mean())",
    "9 × (1/200 + 1/200) = 0.09 for two batches of 200 rows and ten bins, close to the 0.085 measured": "'9 × (1/200 + 1/200) = {:.2f} for two batches of 200 rows and ten bins, close to the {:.3f} measured'.format("
    "(10 - 1) * (1 / 200 + 1 / 200), psi_table.loc[200, 'mean PSI'])",
    "falling from 0.847 to 0.646": f"f'falling from {{reference_accuracy:.3f}} to {{{_ACCURACY}(\"concept\"):.3f}}'",
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
    "only labelled accuracy showed it (0.847 to 0.646)": f"f'only labelled accuracy showed it ({{reference_accuracy:.3f}} to {{{_ACCURACY}(\"concept\"):.3f}})'",
    "pairs of 200-row batches reached 0.1 in 30% of cases": "f'pairs of 200-row batches reached 0.1 in {psi_table.loc[200, \"false alarms (PSI >= 0.1)\"]:.0%} of cases'",
    "a median p-value of 0.37 at 200 rows and\n  2e-25 at 100,000": f"(lambda p: f'a median p-value of {{p[200]:.2f}} at 200 rows and\\n  {{p[100_000]:.0e}} at 100,000')({_KS})",
    "from 12 to 2 of 60 pairs": f'f\'from {{{_ALARMS}("each column at 0.05")}} to {{{_ALARMS}("Bonferroni: each at 0.05 / 7")}} of {{{_PAIRS}}} pairs\'',
}

NOT_COMPUTED: dict[str, str] = {
    "flagged when it is 0.05 or more below": "the accuracy-alarm margin the lesson chooses",
    "reading is below 0.1 stable, 0.1–0.25 moderate, above 0.25 significant": "the conventional PSI reading",
    "at alpha = 0.05 each": "the significance level, a convention",
    "at or below 0.05": "the bound Bonferroni guarantees, a theorem",
    "false-alarm at most at the 5% rate": "a property of KS on tied values (conservative), not a measurement",
}
