"""The KIS Open API layer: async client, credentials, tokens, pacing, paging, errors and wire enums.

No Qt and no file or keychain I/O here: the app hands in a `TokenStore`.

Import from the submodules (`kisdesk.api.enums`, `kisdesk.api.client`, ...), never from this
package: it re-exports nothing, because importing the package is what every submodule import pays
first, and the client side pulls in httpx and pydantic, which the first window must not wait for.
"""
