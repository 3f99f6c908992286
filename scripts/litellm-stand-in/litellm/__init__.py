# Stands in for the `litellm` package, which cannot be installed where scripts/litellm-e2e.ts runs
# LiteLLM's e2e tests: those files import it (`import litellm`, `from litellm.proxy._types import ...`)
# though most of their tests only talk HTTP to the proxy. Importing works; USING anything of it raises
# NeedsLiteLLM, so a test that needs LiteLLM's own code (its token counter, cost table, enums) fails
# saying so and is counted apart, never passes on a made-up value. The exceptions are values LiteLLM
# documents and Tollgate shares, which the tests use to make their requests: `litellm._uuid`, LiteLLM's
# alias for a uuid module (fastuuid, which has the standard library's API), for fresh ids;
# `litellm.proxy._types.LitellmUserRoles`, the role names a user's `user_role` takes; and
# `litellm.proxy.utils.hash_token`, a key's stored form (the SHA-256 hex of the key, as Tollgate's `token`).
import enum
import hashlib
import importlib.abc
import importlib.machinery
import sys
import uuid as _stdlib_uuid


class NeedsLiteLLM(Exception):
    pass


class _Missing:
    def __init__(self, name):
        self._name = name

    def __getattr__(self, attr):
        raise NeedsLiteLLM(f"{self._name}.{attr} needs the litellm package, which is not installed here")

    def __call__(self, *args, **kwargs):
        raise NeedsLiteLLM(f"{self._name}() needs the litellm package, which is not installed here")


def _missing_attributes(module_name):
    def __getattr__(attr):
        if attr.startswith("__"):
            raise AttributeError(attr)
        return _Missing(f"{module_name}.{attr}")

    return __getattr__


class _SubmoduleFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Every `litellm.<anything>` module imports, empty, as the package itself does."""

    def find_spec(self, fullname, path, target=None):
        if fullname.startswith("litellm."):
            return importlib.machinery.ModuleSpec(fullname, self, is_package=True)
        return None

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        module.__path__ = []
        if module.__name__ == "litellm._uuid":
            module.uuid = _stdlib_uuid
            module.uuid4 = _stdlib_uuid.uuid4
            return
        if module.__name__ == "litellm.proxy._types":
            module.LitellmUserRoles = LitellmUserRoles
        if module.__name__ == "litellm.proxy.utils":
            module.hash_token = hash_token
        module.__getattr__ = _missing_attributes(module.__name__)


class LitellmUserRoles(str, enum.Enum):
    """The roles a user's `user_role` names, by LiteLLM's names for them."""

    PROXY_ADMIN = "proxy_admin"
    PROXY_ADMIN_VIEW_ONLY = "proxy_admin_viewer"
    ORG_ADMIN = "org_admin"
    INTERNAL_USER = "internal_user"
    INTERNAL_USER_VIEW_ONLY = "internal_user_viewer"
    TEAM = "team"
    CUSTOMER = "customer"


def hash_token(token):
    """A key as the proxy stores it: the SHA-256 hex digest of the key."""
    return hashlib.sha256(token.encode()).hexdigest()


sys.meta_path.insert(0, _SubmoduleFinder())
__getattr__ = _missing_attributes("litellm")
