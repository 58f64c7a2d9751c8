"""Numbers quoted in the prose of notebooks/09_testing_the_monitor.ipynb, recomputed from the lesson's namespace."""

CLAIMS: dict[str, str] = {
    "(mean delay 0.075 batches), but 40.7% of the checks": "f'(mean delay {rule.mean_delay:.3f} batches), but {rule.false_alarm_rate:.1%} of the checks'",
    "The 300 calm batches average 0.0983, close to the formula's 0.0918": "f'The {calm_psi.size} calm batches average {calm_psi.mean():.4f}, close to the formula\\'s {bias:.4f}'",
    "The calibrated threshold is 0.2431.": "f'The calibrated threshold is {threshold:.4f}.'",
    "falls from 40.7% to 1.08%": "f'falls from {rule.false_alarm_rate:.1%} to {calibrated.false_alarm_rate:.2%}'",
    "mean delay grows to\n4.125 batches, and 7.5% of the drifts": "f'mean delay grows to\\n{calibrated.mean_delay:.3f} batches, and {calibrated.missed_rate:.1%} of the drifts'",
    "the delay falls from 4.125 batches (window 1) to 2.3 (window 4)": "(lambda p: f'the delay falls from {p[1]:.3f} batches (window 1) to {p[4]:.1f} (window 4)')(table[table.test == 'psi'].set_index('window')['mean_delay'])",
    "(2.875 at window 8)": "f\"({table[(table.test == 'psi') & (table.window == 8)]['mean_delay'].item():.3f} at window 8)\"",
    "in 0.75 batches from a single batch": "f\"in {table[(table.test == 'mean_z') & (table.window == 1)]['mean_delay'].item():.2f} batches from a single batch\"",
    "false-alarm rate is 4.89%, not 1%": "f\"false-alarm rate is {table[(table.test == 'psi') & (table.window == 8)]['false_alarm_rate'].item():.2%}, not 1%\"",
    "p = 0.969 for income and 0.888 for loan amount": "f\"p = {column_drift(before['income'], after['income'], test='ks')[2]:.3f} for income and {column_drift(before['loan_amount'], after['loan_amount'], test='ks')[2]:.3f} for loan amount\"",
    "The flip gives an AUC of 0.902": "f'The flip gives an AUC of {flip.auc:.3f}'",
    "control gives 0.497": "f'control gives {control.auc:.3f}'",
    "0.0918 for 100-row batches, so the 0.1 rule alarmed\n  on 40.7% of calm checks": "f'{bias:.4f} for 100-row batches, so the 0.1 rule alarmed\\n  on {rule.false_alarm_rate:.1%} of calm checks'",
    "real size (0.2431) cut\n  that to 1.08%, at the cost of a mean delay of 4.125 batches": "f'real size ({threshold:.4f}) cut\\n  that to {calibrated.false_alarm_rate:.2%}, at the cost of a mean delay of {calibrated.mean_delay:.3f} batches'",
    "shift) detected it in 0.75 batches": "f\"shift) detected it in {table[(table.test == 'mean_z') & (table.window == 1)]['mean_delay'].item():.2f} batches\"",
    "(KS p = 0.969 and 0.888)": "f\"(KS p = {column_drift(before['income'], after['income'], test='ks')[2]:.3f} and {column_drift(before['loan_amount'], after['loan_amount'], test='ks')[2]:.3f})\"",
    "caught it with AUC 0.902": "f'caught it with AUC {flip.auc:.3f}'",
    "with a p-value far below 0.05": "'with a p-value ' + ('far below 0.05' if flip.p_value < 0.05 / 100 else f'of {flip.p_value:.3g}')",
}

NOT_COMPUTED: dict[str, str] = {
    "PSI threshold of 0.1": "the conventional PSI threshold the lesson examines",
    "with an alarm at 0.1": "the conventional PSI threshold",
    "Why 0.1 is the wrong threshold": "the conventional PSI threshold",
    "the 0.1 rule": "the conventional PSI threshold (its place among the calm batches shows in the histogram)",
    "moves by 0.25 standard deviations": "the shift the lesson plants (make_streams(shift=0.25))",
    "close to the 1% asked for": "the false-alarm rate the calibration is asked for",
    "(at 1%)": "the false-alarm rate the calibration is asked for",
    "correlation +0.8": "the correlation the lesson plants (correlated_pair(1000, 0.8))",
    "correlation −0.8": "the correlation the lesson plants (correlated_pair(1000, -0.8))",
    "(AUC 0.5)": "the AUC of chance, a definition",
}
