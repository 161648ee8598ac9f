"""The floor for bench/load.py: a bare Flask app that renders a Jinja table of the size
asked for (``/table?bytes=N``), served by gunicorn with the same settings as Amplify. What
Amplify takes beyond it is what Amplify itself costs."""

from flask import Flask, render_template_string, request

TABLE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Floor</title></head>
<body><table><thead><tr><th>Title</th><th>Campaign</th><th>State</th></tr></thead><tbody>
{% for n in range(rows) %}<tr><td><a href="/items/{{ n }}">Item {{ n }} &amp; más</a></td><td>Campaña {{ n % 10 }}</td><td>published</td></tr>
{% endfor %}</tbody></table></body></html>"""
ROW_BYTES = 110  # about one row above

app = Flask(__name__)


@app.get("/table")
def table():
    wanted = min(max(request.args.get("bytes", 1000, type=int), 0), 50_000_000)
    return render_template_string(TABLE, rows=max(1, wanted // ROW_BYTES))
