// Hot-spot map of the partners' data: commune outlines and grid cells (Leaflet, no tile server).
// Data comes from json_script elements named by the map element's data- attributes.
(function () {
  "use strict";

  // Leaflet renders a tooltip string as HTML: hand it an element holding plain text instead.
  function asText(text) {
    var span = document.createElement("span");
    span.textContent = text;
    return span;
  }

  var COLOURS = {
    "hot-99": "#a50f15",
    "hot-95": "#de2d26",
    "hot-90": "#fb6a4a",
    "cold-99": "#08519c",
    "cold-95": "#3182bd",
    "cold-90": "#6baed6",
  };
  var DENSITY = "#6a51a3";

  function read(id) {
    var element = document.getElementById(id);
    return element ? JSON.parse(element.textContent) : null;
  }

  function drawMap(element) {
    var communes = read(element.dataset.communes);
    var cells = read(element.dataset.cells);
    var maxDensity = Number(element.dataset.maxDensity) || 1;
    var map = window.L.map(element, { zoomSnap: 0.25, attributionControl: false });
    var outline = window.L.geoJSON(communes, {
      style: { color: "#3a3a3a", weight: 1, fill: true, fillColor: "#f6f6f6", fillOpacity: 0.6 },
      onEachFeature: function (feature, layer) {
        layer.bindTooltip(asText(feature.properties.name), { sticky: true });
      },
    }).addTo(map);
    var grid = window.L.geoJSON(cells, {
      style: function (feature) {
        var p = feature.properties;
        var colour = COLOURS[p.level];
        if (colour) {
          return { color: colour, weight: 0.5, fillColor: colour, fillOpacity: 0.75 };
        }
        // Not significant: density as a light purple wash.
        var share = Math.min(1, p.density / maxDensity);
        return { stroke: false, fillColor: DENSITY, fillOpacity: 0.08 + 0.4 * share };
      },
      onEachFeature: function (feature, layer) {
        var p = feature.properties;
        layer.bindTooltip(
          asText(p.count + " fait(s) ; densité lissée " + p.density_text + " /km² ; z = " +
            p.z_text + " ; p = " + p.p_text + " ; q = " + p.q_text + " ; " + p.level_label),
          { sticky: true }
        );
      },
    }).addTo(map);
    // Frame the facts, the communes' outlines giving the context around them.
    if (grid.getLayers().length) {
      map.fitBounds(grid.getBounds().pad(0.15));
    } else if (outline.getLayers().length) {
      map.fitBounds(outline.getBounds());
    } else {
      map.setView([46.6, 2.4], 6);
    }
  }

  document.querySelectorAll("[data-hotspot-map]").forEach(drawMap);
})();
