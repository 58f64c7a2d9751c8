"""Code the grader runs inside the student's kernel, silently, around every graded test cell.

A sandbox keeps student code away from the grader's files, but student code and the tests still share one Python
process. Before any notebook cell runs, :data:`INSTALL` snapshots what a test relies on: the builtins, the IPython
shell's and kernel's methods and event callbacks, the ``sys`` hooks and import path, and the ``mlcicd`` modules.
Before each test cell the grader calls ``restore()``, which puts back whatever student code changed and says what
it was; after the test cell it calls ``restore()`` again (a change made *while the test ran* means student code
called by the test tampered with it, and the grader fails that test) and ``forget()``, which removes what the test
cell left behind (its names, its source in ``linecache``, the last traceback) so that later cells cannot read
hidden tests.

This is a layer, not a wall: code that rewrites the kernel's own message loop can defeat anything in the same
process. The sandbox bounds what such code can reach; the grader also fails a test cell when the guard stops
answering.
"""

INSTALL = r"""
def __mlcicd_install_guard():
    import builtins, linecache, sys, threading, types
    import math, operator, functools
    import numpy, pandas
    import mlcicd, mlcicd.grading
    ip = get_ipython()
    user_ns = ip.user_ns

    def ask_exit():
        raise SystemExit("quit() and exit() do not stop the kernel while the notebook is graded")

    # ipykernel would stop the kernel a moment after quit(), in the middle of a later cell.
    ip.ask_exit = ask_exit

    def classes(obj):
        return [c for c in type(obj).__mro__ if c is not object]

    def methods(objs):
        saved = {}
        for obj in objs:
            for cls in classes(obj):
                for name, value in list(vars(cls).items()):
                    if callable(value) or isinstance(value, (staticmethod, classmethod, property)):
                        saved[(cls, name)] = value
        return saved

    watched = [ip, ip.kernel, ip.displayhook, ip.display_pub, ip.events]
    saved_methods = methods(watched)
    for cls in (pandas.DataFrame, pandas.Series, pandas.Index):
        for name, value in list(vars(cls).items()):
            saved_methods[(cls, name)] = value
    saved_instance = {id(obj): dict((k, v) for k, v in vars(obj).items() if callable(v)) for obj in watched}
    shadowable = {name for (_cls, name) in saved_methods}
    saved_class_keys = {cls: set(vars(cls)) for obj in watched for cls in classes(obj)}
    # ipykernel installs a fresh builtins.input and sys.excepthook for every request: not a student's doing.
    saved_builtins = {k: v for k, v in vars(builtins).items() if k != "input"}
    sys_names = ("displayhook", "stdout", "stderr", "stdin", "breakpointhook", "exit")
    saved_sys = {name: getattr(sys, name) for name in sys_names if hasattr(sys, name)}
    saved_meta_path, saved_path_hooks, saved_path = list(sys.meta_path), list(sys.path_hooks), list(sys.path)
    saved_events = {name: list(callbacks) for name, callbacks in ip.events.callbacks.items()}
    saved_transformers = {name: list(getattr(ip, name)) for name in ("ast_transformers", "input_transformers_post")}
    libraries = ("math", "operator", "functools", "numpy", "pandas")
    saved_modules = {n: m for n, m in sys.modules.items()
                     if n in libraries or n == "mlcicd" or n.startswith("mlcicd.")}
    saved_module_dicts = {n: dict(vars(m)) for n, m in saved_modules.items()}
    saved_codes = {(n, k): v.__code__ for n, d in saved_module_dicts.items() for k, v in d.items()
                   if isinstance(v, types.FunctionType)}
    state = {}

    def restore():
        changed = []

        def put(where, name, value, label):
            if where.get(name) is not value:
                where[name] = value
                changed.append(label)

        for name, value in saved_builtins.items():
            if vars(builtins).get(name) is not value:
                setattr(builtins, name, value)
                changed.append("builtins." + name)
        for (cls, name), value in saved_methods.items():
            if vars(cls).get(name) is not value:
                setattr(cls, name, value)
                changed.append(cls.__name__ + "." + name)
        for obj in watched:
            for cls in classes(obj):
                added = [n for n, v in vars(cls).items() if n not in saved_class_keys[cls] and callable(v)]
                for name in [n for n in added if n in shadowable]:
                    delattr(cls, name)
                    changed.append(cls.__name__ + "." + name)
        for obj in watched:
            before = saved_instance[id(obj)]
            for name, value in list(vars(obj).items()):
                if callable(value) and name in shadowable and before.get(name) is not value:
                    if name in before:
                        setattr(obj, name, before[name])
                    else:
                        delattr(obj, name)
                    changed.append(type(obj).__name__ + "." + name + " (instance)")
        for name, value in saved_sys.items():
            if getattr(sys, name, None) is not value:
                setattr(sys, name, value)
                changed.append("sys." + name)
        if sys.gettrace() is not None or sys.getprofile() is not None:
            sys.settrace(None)
            sys.setprofile(None)
            changed.append("sys.settrace/setprofile")
        threading.settrace(None)
        threading.setprofile(None)
        for current, saved, label in ((sys.meta_path, saved_meta_path, "sys.meta_path"),
                                      (sys.path_hooks, saved_path_hooks, "sys.path_hooks"),
                                      (sys.path, saved_path, "sys.path")):
            if current != saved:
                current[:] = saved
                changed.append(label)
        for name, callbacks in saved_events.items():
            if ip.events.callbacks.get(name) != callbacks:
                ip.events.callbacks[name] = list(callbacks)
                changed.append("IPython event " + name)
        for name, saved in saved_transformers.items():
            if getattr(ip, name) != saved:
                getattr(ip, name)[:] = saved
                changed.append("IPython " + name)
        if ip.custom_exceptions:
            ip.custom_exceptions = ()
            changed.append("IPython custom exception handler")
        for name, module in saved_modules.items():
            if sys.modules.get(name) is not module:
                sys.modules[name] = module
                changed.append("sys.modules[" + repr(name) + "]")
            namespace = vars(module)
            for key, value in saved_module_dicts[name].items():
                put(namespace, key, value, name + "." + key)
        for (name, key), code in saved_codes.items():
            function = saved_module_dicts[name][key]
            if function.__code__ is not code:
                function.__code__ = code
                changed.append(name + "." + key + ".__code__")
        return sorted(set(changed))

    def before_test():
        state["names"] = dict(user_ns)
        # A global named like a builtin (type = lambda x: str) would shadow it in the test cell: hide it for the
        # test; after_test puts the student's names back.
        for name in [k for k in user_ns if k in saved_builtins and user_ns[k] is not saved_builtins[k]]:
            if not name.startswith("_"):
                del user_ns[name]
        state["lines"] = set(linecache.cache)
        return restore()

    def after_test():
        changed = restore()
        names = state.pop("names", {})
        for key in [k for k in user_ns if k not in names]:
            del user_ns[key]
        for key, value in names.items():
            if user_ns.get(key) is not value:
                user_ns[key] = value
        for key in [k for k in linecache.cache if k not in state.get("lines", ())]:
            del linecache.cache[key]
        for name in ("last_type", "last_value", "last_traceback", "last_exc"):
            if hasattr(sys, name):
                delattr(sys, name)
        return changed

    guard = types.SimpleNamespace(before_test=before_test, after_test=after_test)
    sys.modules["__mlcicd_guard__"] = guard
    user_ns["__mlcicd_guard__"] = guard
    ip.user_ns_hidden["__mlcicd_guard__"] = guard

__mlcicd_install_guard()
del __mlcicd_install_guard
"""

BEFORE_TEST = "__mlcicd_guard__.before_test()"
AFTER_TEST = "__mlcicd_guard__.after_test()"
