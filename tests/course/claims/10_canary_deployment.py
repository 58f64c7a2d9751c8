"""Numbers quoted in the prose of notebooks/10_canary_deployment.ipynb, recomputed from the lesson's namespace."""

CLAIMS: dict[str, str] = {
    "the candidate is right on 84.9% of the applications, the champion on 82.7%": (
        "f\"the candidate is right on {offline['candidate']:.1%} of the applications, the cham"
        "pion on {offline['champion']:.1%}\""
    ),
    ("Shadow mode gives 28000 paired requests and exposes nobody; the canary gives 2806 and serves those 2806"): (
        "f\"Shadow mode gives {shadow['paired'].sum()} paired requests and exposes {'nobody' i"
        "f not shadow['to_candidate'].any() else 'someone'}; the canary gives {canary['paired"
        "'].sum()} and serves those {canary['to_candidate'].sum()}\""
    ),
    (
        "Of the 2806 canary requests only 197 are discordant: the champion alone was right on"
        " 70, the candidate\nalone on 127, and the exact McNemar p-value is 5.9e-05."
    ): (
        "f'Of the {len(paired)} canary requests only {result.n_discordant} are discordant: th"
        "e champion alone was right on {b}, the candidate\\nalone on {c}, and the exact McNema"
        "r p-value is {result.p_value:.1e}.'"
    ),
    ("Its p-value is 0.0424, about 700 times larger: the agreeing requests, 93% of the total"): (
        "f'Its p-value is {unpaired.pvalue:.4f}, about {round(unpaired.pvalue / result.p_valu"
        "e, -2):.0f} times larger: the agreeing requests, {1 - result.n_discordant / len(pair"
        "ed):.0%} of the total'"
    ),
    "which makes 15 planned looks": ("f'which makes {run.planned_looks} planned looks'"),
    "the 15 planned looks": ("f'the {run.planned_looks} planned looks'"),
    ("below the corrected level 0.0033 at the 4th look: the candidate is promoted after 800 canary requests"): (
        'f"below the corrected level {run.alpha_per_look:.4f} at the {next(k for k, p in zip('
        "looks, p_values) if p <= run.alpha_per_look)}th look: the candidate is {'promoted' i"
        "f run.decision == 'promote' else run.decision} after {run.n_paired} canary requests\""
    ),
    "and 4.25% of the canaries end in a false verdict": (
        "f\"and {errors[errors.looks == 1]['false verdicts'].iloc[0]:.2%} of the canaries end in a false verdict\""
    ),
    "raises that to 20.0% at 20 looks and 22.25% at 40.": (
        "(lambda s: f'raises that to {s[20]:.1%} at 20 looks and {s[40]:.2%} at 40.')(errors["
        "~errors.corrected].set_index('looks')['false verdicts'])"
    ),
    "(the highest, 5.5% at 2 looks, is 22 of 400\ncanaries": (
        "(lambda s: f'(the highest, {s.max():.1%} at {s.idxmax()} looks, is {round(s.max() * "
        "400)} of 400\\ncanaries')(errors[errors.corrected].set_index('looks')['false verdicts"
        "'])"
    ),
    "and falls to 1.5% at 20 and 40 looks": (
        "(lambda s: f'and falls to {s[20]:.1%} at 20 and 40 looks' if s[20] == s[40] else f'{"
        "s[20]:.1%} and {s[40]:.1%} differ')(errors[errors.corrected].set_index('looks')['fal"
        "se verdicts'])"
    ),
    "so the offline test still says 84.9%": ("f\"so the offline test still says {offline['candidate']:.1%}\""),
    (
        "offline the candidate leads, 84.9% to 82.7%; on the canary's live requests it\nis rig"
        "ht on 79.0% against the champion's 82.8%. The canary rolls it back after 1400 canary"
        " requests (the 7th\nlook)."
    ): (
        "f\"offline the candidate leads, {offline['candidate']:.1%} to {offline['champion']:.1"
        "%}; on the canary's live requests it\\nis right on {skewed_pairs['candidate_correct']"
        ".mean():.1%} against the champion's {skewed_pairs['champion_correct'].mean():.1%}. T"
        "he canary {'rolls it back' if skewed_run.decision == 'roll back' else skewed_run.dec"
        "ision} after {skewed_run.n_paired} canary requests (the {skewed_run.looks}th\\nlook)."
        '"'
    ),
    (
        "70 against 127 on 2806 canary requests gave\n  p = 5.9e-05, where an unpaired test of"
        " the two accuracies gave 0.0424."
    ): (
        "f'{b} against {c} on {len(paired)} canary requests gave\\n  p = {result.p_value:.1e},"
        " where an unpaired test of the two accuracies gave {unpaired.pvalue:.4f}.'"
    ),
    ("Uncorrected daily looks gave 20.0% false verdicts at 20 looks; the corrected\n  level gave 1.5%."): (
        "(lambda e: f'Uncorrected daily looks gave {e[(e.looks == 20) & ~e.corrected][\"false "
        'verdicts"].iloc[0]:.1%} false verdicts at 20 looks; the corrected\\n  level gave {e[('
        'e.looks == 20) & e.corrected]["false verdicts"].iloc[0]:.1%}.\')(errors)'
    ),
    "A candidate that led offline (84.9% against 82.7%)": (
        "f\"A candidate that led offline ({offline['candidate']:.1%} against {offline['champion']:.1%})\""
    ),
    "was right on 79.0% of them; the canary rolled it back after 1400 requests": (
        "f\"was right on {skewed_pairs['candidate_correct'].mean():.1%} of them; the canary {'"
        "rolled it back' if skewed_run.decision == 'roll back' else skewed_run.decision} afte"
        'r {skewed_run.n_paired} requests"'
    ),
}

NOT_COMPUTED: dict[str, str] = {
    "here 10%, is served by the candidate": "the canary share the lesson chooses",
    "15 planned looks at α = 0.05": "the planned looks and significance level the lesson chooses",
    "(83%\naccuracy each, 10% discordant pairs)": "the parameters of the simulated equal models",
    "Testing every look at 0.05": "the uncorrected significance level, a convention",
    "stays at about 5% or below": "the level the correction is designed to keep",
    "bounds by\n5%)": "the bound the correction guarantees",
    "On 30% of the requests": "the share of requests the planted feature-service bug affects",
    "Only 10% of the traffic was exposed": "the canary share the lesson chooses",
    "(10% here)": "the canary share the lesson chooses",
    "p ≤ 0.05 / looks": "the decision rule's level, a convention",
    "on 30% of its live requests": "the share of requests the planted bug affects",
}
