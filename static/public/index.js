// Public index: the territories whose council adopted a strategy, on a Leaflet map (GeoJSON of
// their communes, from the json_script "public-map"). A click opens the territory's page; the
// same links are in the list below the map, for the keyboard and screen readers.
(function () {
  "use strict";

  var source = document.getElementById("public-map");
  var element = document.querySelector("[data-public-map]");
  if (!source || !element || !window.L) { return; }
  var data = JSON.parse(source.textContent);
  if (!data.features.length) { element.hidden = true; return; }
  var map = window.L.map(element, {
    zoomSnap: 0.25, attributionControl: false, keyboard: false, zoomControl: false,
  });
  var layer = window.L.geoJSON(data, {
    style: function () { return { color: "#000091", weight: 1, fillColor: "#6a6af4", fillOpacity: 0.5 }; },
    onEachFeature: function (feature, shape) {
      var label = document.createElement("span");
      label.textContent = feature.properties.council + " (" + feature.properties.name + ")";
      shape.bindTooltip(label);
      shape.on("click", function () { window.location.href = feature.properties.url; });
    },
  }).addTo(map);
  map.fitBounds(layer.getBounds());
})();
