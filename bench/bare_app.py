"""The bare Flask JSON app ``bench/http.py`` loads beside Zugong, under the same gunicorn
settings: what the server, Flask and JSON cost with no application work."""

from flask import Flask, jsonify

app = Flask(__name__)


@app.get("/bare")
def bare():
    return jsonify(items=[{"id": n, "summary": "压测"} for n in range(50)], next_cursor=None)
