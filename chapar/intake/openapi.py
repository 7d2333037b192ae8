"""The OpenAPI 3.1 description of the service, served at ``/openapi.json``."""

from chapar.intake.config import DEFAULTS

_FIELDS = {
    "name": {
        "type": "string",
        "minLength": 1,
        "maxLength": None,
        "description": "Display name (Author); one line with at least one letter.",
    },
    "email": {
        "type": "string",
        "maxLength": None,
        "description": "Optional; kept only in the comment file, never published or echoed back.",
    },
    "text": {
        "type": "string",
        "minLength": 1,
        "description": "The comment: plain text with light Markdown.",
    },
    "reply_to": {
        "type": "string",
        "maxLength": 64,
        "pattern": "^[\\w-]*$",
        "description": "Id of the published comment answered; empty for none.",
    },
    "website": {
        "type": "string",
        "description": "Honeypot: hidden in the form and left empty by people. "
        "When filled, the answer says accepted and nothing is written.",
    },
}

_ERROR = {
    "type": "object",
    "required": ["error", "message"],
    "properties": {
        "error": {"type": "string", "description": "Stable code, e.g. `rejected`, `origin`."},
        "message": {"type": "string", "description": "What to tell the reader, in Persian."},
        "rule": {"type": "string", "description": "The moderation rule's id (422 rejected)."},
    },
}

_NULLABLE_TEXT = {"type": ["string", "null"]}
_HEALTH = {  # README, "Health"
    "type": "object",
    "required": ["ok", "git", "pending_commits", "write_error"],
    "properties": {
        "ok": {"type": "boolean"},
        "git": {"type": "boolean", "description": "Git mode (--commit or --push)."},
        "pending_commits": {
            "type": "integer",
            "description": "Comments written and acknowledged, not in HEAD yet.",
        },
        "commits": {"type": "integer", "description": "Commits made since the service started."},
        "last_commit": {**_NULLABLE_TEXT, "description": "When the last one was made (UTC)."},
        "error": {**_NULLABLE_TEXT, "description": "Why the last commit attempt failed."},
        "failing_since": {
            **_NULLABLE_TEXT,
            "description": "First failed attempt since the last commit (UTC).",
        },
        "push_error": {**_NULLABLE_TEXT, "description": "Why the last push failed (--push)."},
        "write_error": {
            **_NULLABLE_TEXT,
            "description": "Why the last comment file could not be written.",
        },
    },
}


def _error(description):
    return {
        "description": description,
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/Error"}},
            "text/html": {"schema": {"type": "string"}},
        },
    }


def _fields(config):
    """The form's fields, with the limits the service enforces."""
    fields = {name: dict(schema) for name, schema in _FIELDS.items()}
    fields["name"]["maxLength"] = config.max_name if config else DEFAULTS["max_name"]
    fields["email"]["maxLength"] = config.max_email if config else DEFAULTS["max_email"]
    return fields


def openapi_document(config=None):
    """The description; ``config`` fills in limits and the article URL."""
    max_body = config.max_body if config else 32768
    rate = config.rate_limit if config else 10
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Chapar comment intake",
            "version": "1.0.0",
            "description": (
                "Receives readers' comments for the static Chapar site and writes each one "
                "as content/comments/<NewsCode>/<Id>.md after the build's moderation rules. "
                f"Requests need the site's Origin; bodies over {max_body} bytes get 413; "
                f"more than {rate} posts per client per minute get 429."
            ),
        },
        "paths": {
            "/comments/{newsCode}": {
                "post": {
                    "operationId": "postComment",
                    "summary": "Submit a comment on a published article",
                    "parameters": [
                        {
                            "name": "newsCode",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string", "pattern": "^[0-9۰-۹]+$"},
                            "description": "The article's NewsCode.",
                        },
                        {
                            "name": "Origin",
                            "in": "header",
                            "required": True,
                            "schema": {"type": "string"},
                            "description": "Must be the site's origin.",
                        },
                    ],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/x-www-form-urlencoded": {
                                "schema": {"$ref": "#/components/schemas/Comment"}
                            },
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/Comment"}
                            },
                        },
                    },
                    "responses": {
                        "202": {
                            "description": "JSON post accepted: written (or honeypot).",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Accepted"}
                                }
                            },
                        },
                        "303": {
                            "description": "Form post accepted: back to the article, "
                            "#comments-sent or #comments-held.",
                            "headers": {"Location": {"schema": {"type": "string"}}},
                        },
                        "400": _error("Missing or invalid field, invalid UTF-8, malformed body."),
                        "403": _error("Origin is not the site's."),
                        "404": _error("No published article with this NewsCode."),
                        "413": _error("Body larger than the configured limit."),
                        "415": _error("Neither form-encoded nor JSON (UTF-8)."),
                        "422": _error(
                            "Rejected by a moderation rule (the rule's reader "
                            "text), or reply_to names no published comment."
                        ),
                        "429": {
                            **_error("Too many posts from this client in a minute."),
                            "headers": {"Retry-After": {"schema": {"type": "integer"}}},
                        },
                    },
                },
            },
            "/healthz": {
                "get": {
                    "operationId": "health",
                    "summary": "Whether every acknowledged comment is safe: writes, git commits, pushes",
                    "responses": {
                        "200": {
                            "description": "Healthy: comments are written, and in git "
                            "mode committed (pending_commits counts those "
                            "on their way).",
                            "content": {"application/json": {"schema": _HEALTH}},
                        },
                        "503": {
                            "description": "Up, but writing, committing or pushing fails "
                            "(error, write_error, push_error say why).",
                            "content": {"application/json": {"schema": _HEALTH}},
                        },
                    },
                },
            },
        },
        "components": {
            "schemas": {
                "Comment": {
                    "type": "object",
                    "required": ["name", "text"],
                    "properties": _fields(config),
                },
                "Accepted": {
                    "type": "object",
                    "required": ["status", "id", "news_code", "appears", "message"],
                    "properties": {
                        "status": {"enum": ["published", "held"]},
                        "id": {"type": "string"},
                        "news_code": {"type": "string"},
                        "appears": {"enum": ["after-next-build", "after-review"]},
                        "message": {"type": "string"},
                    },
                },
                "Error": _ERROR,
            },
        },
    }
