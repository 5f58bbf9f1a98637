// Never finishes: an interval that is never cleared.
setInterval(() => console.log("tick"), 500)
