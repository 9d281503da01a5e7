"""python -m matchmaker.scheduling INSTANCE.json > SCHEDULE.json"""
from .cli import main

main()
