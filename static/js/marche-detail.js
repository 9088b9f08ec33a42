/* The walk's page: its route and stops on a small map. */
MarcheCarte.simple("carte-marche", JSON.parse(document.getElementById("marche-data").textContent));
