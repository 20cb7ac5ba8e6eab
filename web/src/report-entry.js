// Entry of the vendored report bundle: the d3 modules the report page draws its charts and map
// with, and topojson-client for the world outline, as one global, window.KGCharts (read by
// kg/view/assets/report.js).
import { max, extent } from "d3-array";
import { axisBottom, axisLeft } from "d3-axis";
import { geoEqualEarth, geoGraticule10, geoPath, geoDistance, geoInterpolate } from "d3-geo";
import { scaleBand, scaleLinear, scaleOrdinal, scaleSqrt, scaleUtc } from "d3-scale";
import { select } from "d3-selection";
import { area, line, stack, curveMonotoneX } from "d3-shape";
import { feature, mesh } from "topojson-client";

window.KGCharts = {
  max, extent, axisBottom, axisLeft, geoEqualEarth, geoGraticule10, geoPath, geoDistance, geoInterpolate,
  scaleBand, scaleLinear, scaleOrdinal, scaleSqrt, scaleUtc, select, area, line, stack, curveMonotoneX,
  feature, mesh,
};
