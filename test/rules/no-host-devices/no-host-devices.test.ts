import rule from '../../../src/rules/no-host-devices.js';
import { testRule } from '../../helpers/rule-tester.js';

testRule(rule, {
  dir: import.meta.dirname,
  fail: {
    'fail/cloudformation-device.yaml': [
      {
        path: 'containerDefinitions[0].linuxParameters.devices[0]',
        container: 'bridge',
        message: 'Container "bridge" maps host device "/dev/ttyUSB0" into the container.',
      },
    ],
    'fail/sidecar-maps-devices.json': [
      {
        path: 'containerDefinitions[1].linuxParameters.devices[0]',
        container: 'snapshotter',
        message: 'Container "snapshotter" maps host device "/dev/fuse" into the container.',
      },
      {
        path: 'containerDefinitions[1].linuxParameters.devices[1]',
        container: 'snapshotter',
        message: 'Container "snapshotter" maps host device "/dev/nvme1n1" into the container.',
      },
    ],
  },
});
