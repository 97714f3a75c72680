// Bottleneck's build without its Redis datastore (robot-seeder plugs in its own): same API,
// half the load time. The package ships typings for its main entry only.
declare module 'bottleneck/light.js' {
  import Bottleneck from 'bottleneck';
  export default Bottleneck;
}
