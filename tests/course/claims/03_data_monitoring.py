"""Numbers quoted in the prose of notebooks/03_data_monitoring.ipynb, recomputed from the lesson's namespace.

The practice cell rebinds ``stream``; the expressions rebuild the reference day and the detector table's reports
from the lesson's own calls.
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
    "falling from 0.847 to 0.646": f"f'falling from {{reference_accuracy:.3f}} to {{{_ACCURACY}(\"concept\"):.3f}}'",
    "only labelled accuracy showed it (0.847 to 0.646)": f"f'only labelled accuracy showed it ({{reference_accuracy:.3f}} to {{{_ACCURACY}(\"concept\"):.3f}})'",
}

NOT_COMPUTED: dict[str, str] = {
    "flagged when it is 0.05 or more below": "the accuracy-alarm margin the lesson chooses",
}
