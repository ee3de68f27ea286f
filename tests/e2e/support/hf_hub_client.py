"""Drives the real `huggingface_hub` for hf-mirror-python.e2e-spec.ts: one operation per process, as a user's script.

Usage: python hf_hub_client.py <op> '<json args>'; configuration comes from the environment exactly as for a user
(HF_ENDPOINT, HF_TOKEN, HF_HUB_CACHE). Prints one JSON line: the operation's result, or the exception's class, message,
HTTP status and X-Error-Code; plus every HTTP request the client made (`METHOD url`), so the spec can show what a
cached download did not fetch.
"""
import json
import sys

requests = []


def run(op, args):
    if op == "snippet":
        # The README's Python snippet, verbatim but for the endpoint, token and repo it names: it sets HF_ENDPOINT and
        # HF_TOKEN itself before importing huggingface_hub, so the spec runs it without them in the environment.
        scope = {}
        exec(args["code"], scope)  # noqa: S102 - the README's own code, the point of the test
        return {name: scope[name] for name in args["names"]}

    import huggingface_hub
    from huggingface_hub.utils import _http

    def recording_client():
        client = _http.default_client_factory()
        client.event_hooks["request"].append(lambda request: requests.append(f"{request.method} {request.url}"))
        return client

    huggingface_hub.set_client_factory(recording_client)
    if op == "version":
        return {"version": huggingface_hub.__version__}
    if op == "info":
        info = huggingface_hub.model_info(args["repo"], revision=args.get("revision"))
        return {"id": info.id, "sha": info.sha, "siblings": sorted(s.rfilename for s in info.siblings or [])}
    if op == "files":
        return {"files": sorted(huggingface_hub.list_repo_files(args["repo"], revision=args.get("revision")))}
    if op == "download":
        return {"path": huggingface_hub.hf_hub_download(args["repo"], args["filename"], revision=args.get("revision"))}
    if op == "snapshot":
        return {"folder": huggingface_hub.snapshot_download(args["repo"], revision=args.get("revision"))}
    raise ValueError(f"unknown op {op}")


def main():
    op, args = sys.argv[1], json.loads(sys.argv[2])
    try:
        out = {"ok": True, **run(op, args)}
    except Exception as error:  # noqa: BLE001 - reported to the spec, which asserts on the type
        response = getattr(error, "response", None)
        out = {
            "ok": False,
            "error": type(error).__name__,
            "mro": [c.__name__ for c in type(error).__mro__],
            "message": str(error),
            "status": None if response is None else response.status_code,
            "errorCode": None if response is None else response.headers.get("X-Error-Code"),
            "errorMessage": None if response is None else response.headers.get("X-Error-Message"),
        }
    out["requests"] = requests
    print(json.dumps(out))


main()
