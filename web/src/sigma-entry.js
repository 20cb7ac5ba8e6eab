// Entry of the vendored bundle: sigma.js, graphology and the two WebGL programs the page uses,
// as one global, window.KGSigma (read by kg/view/assets/graph-sigma.js).
import Graph from "graphology";
import Sigma from "sigma";
import { EdgeLineProgram, NodePointProgram } from "sigma/rendering";

window.KGSigma = { Graph, Sigma, EdgeLineProgram, NodePointProgram };
