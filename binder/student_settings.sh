#!/usr/bin/env bash
# Jupyter settings for students on Binder and in `make lab`: binder/postBuild runs this once at build time, the
# Makefile runs it against the git-ignored config dir .jupyter-student/ that `make lab` uses, and
# tests/browser/test_browser.py runs this same file against a temporary JUPYTER_CONFIG_DIR to prove in a real
# browser that the settings work. Everything is written to the user config dir, `jupyter --config-dir`
# (~/.jupyter on Binder), so nothing here touches the Python environment.
set -euo pipefail

config_dir="$(jupyter --config-dir)"
mkdir -p "${config_dir}"

# Students must not see the instructor's tools (nbgrader's Create Assignment sidebar and Formgrader) nor the
# exchange-only ones: Assignment List and Course List fetch and submit assignments through an nbgrader exchange
# this course does not use (on Binder they only answer "Error fetching courses!"), and the Nbgrader menu holds
# nothing else. These are JupyterLab plugin ids of the @jupyter/nbgrader lab extension (`jupyter labextension
# list` shows the extension; its plugins are "@jupyter/nbgrader:<name>"). Both commands write
# ${config_dir}/labconfig/page_config.json; locking stops a student re-enabling them in the Plugin Manager.
# The Validate button (@jupyter/nbgrader:validate-assignment) stays.
hidden_plugins=(
  @jupyter/nbgrader:create-assignment
  @jupyter/nbgrader:formgrader
  @jupyter/nbgrader:assignment-list
  @jupyter/nbgrader:course-list
  @jupyter/nbgrader:menu
)
jupyter labextension disable --level=user "${hidden_plugins[@]}"
jupyter labextension lock --level=user "${hidden_plugins[@]}"

# nbgrader's own jupyter_server_config.d/nbgrader.json enables its server extensions at the environment level.
# `jupyter server extension disable --user` cannot turn them off (it only edits extensions listed in the user dir,
# finds none, and still exits 0), so the server config below sets them to False: jpserver_extensions from a config
# file win over the .d discovery. validate_assignment (the Validate button's handler) stays on.
# LabApp.news_url = None: the server never fetches the Jupyter news feed from the internet.
cat > "${config_dir}/jupyter_server_config.py" <<'PY'
# Written by binder/student_settings.sh (the course "CI/CD for ML").
c.ServerApp.jpserver_extensions = {
    "nbgrader.server_extensions.formgrader": False,
    "nbgrader.server_extensions.assignment_list": False,
    "nbgrader.server_extensions.course_list": False,
}
c.LabApp.news_url = None
PY

# news_url = None alone does not stop JupyterLab 4.6 asking "Would you like to get notified about official
# Jupyter news?": the browser asks while the setting fetchNews is "none" (Ask). Default it to "false" (Never).
# JupyterLab reads default setting overrides from labconfig/default_setting_overrides.json in each config dir.
mkdir -p "${config_dir}/labconfig"
cat > "${config_dir}/labconfig/default_setting_overrides.json" <<'JSON'
{
  "@jupyterlab/apputils-extension:notification": {
    "fetchNews": "false",
    "checkForUpdates": false
  }
}
JSON
