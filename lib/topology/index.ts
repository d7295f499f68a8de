export { TopologyDiagram, renderTopology } from './diagram';
