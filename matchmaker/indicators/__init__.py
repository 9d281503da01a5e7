"""The city's figures of local trade: one computation (figures.py) for the page, the command and the
exports; periods (periods.py), supply gaps from the matching engine (gaps.py), charts drawn as SVG on
the server (charts.py), spreadsheets (exports.py) and the small-cell rule (privacy.py)."""
