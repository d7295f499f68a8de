/**
 * `fortio load` command-line grammar, from the flag list Fortio documents
 * (`fortio help`, README "Full list of command line flags"): which flags take
 * a value, which are switches. No Fortio binary can be installed here, so
 * the generated arguments are checked against this list.
 */

/** Flags taking a value, with a check of the value's form. */
const VALUE_FLAGS: Record<string, (v: string) => boolean> = {
  '-qps': (v) => /^-?\d+(\.\d+)?$/.test(v),
  '-c': (v) => /^\d+$/.test(v) && Number(v) >= 1,
  '-t': (v) => /^\d+(\.\d+)?(ns|us|ms|s|m|h)$/.test(v) || v === '0',
  '-n': (v) => /^\d+$/.test(v),
  '-p': (v) => v.split(',').every((p) => /^\d+(\.\d+)?$/.test(p) && Number(p) > 0 && Number(p) < 100),
  '-r': (v) => /^\d+(\.\d+)?$/.test(v),
  '-H': (v) => /^[A-Za-z0-9-]+: ?\S/.test(v),
  '-json': (v) => v.length > 0,
  '-labels': () => true,
  '-payload': () => true,
  '-payload-file': (v) => v.length > 0,
  '-payload-size': (v) => /^\d+$/.test(v),
  '-content-type': (v) => v.includes('/'),
  '-timeout': (v) => /^\d+(\.\d+)?(ns|us|ms|s|m|h)$/.test(v),
  '-abort-on': (v) => /^-?\d+$/.test(v),
  '-healthservice': () => true,
  // Calls an application's own gRPC method (fortio/fortio pull request 1064, in releases after 1.69.5).
  '-grpc-method': (v) => /^[A-Za-z_][\w.]*\/[A-Za-z_]\w*$/.test(v),
  '-s': (v) => /^\d+$/.test(v) && Number(v) >= 1,
  '-cacert': (v) => v.length > 0,
  '-user': (v) => v.includes(':'),
  '-loglevel': (v) => ['Debug', 'Verbose', 'Info', 'Warning', 'Error', 'Critical', 'Fatal'].includes(v),
};

/** Switches. */
const BOOLEAN_FLAGS = ['-a', '-allow-initial-errors', '-compression', '-grpc', '-http1.0', '-jitter', '-k', '-keepalive', '-ping', '-quiet', '-stdclient', '-httpccch', '-halfclose'];

/** Why `args` is not a valid `fortio load` command line, or undefined when it is. */
export function fortioLoadArgsError(args: readonly string[]): string | undefined {
  if (args[0] !== 'load') return `the command is "${args[0]}", not load`;
  let i = 1;
  let grpc = false;
  while (i < args.length - 1) {
    const flag = args[i];
    if (BOOLEAN_FLAGS.includes(flag)) {
      if (flag === '-grpc') grpc = true;
      i += 1;
    } else if (flag in VALUE_FLAGS) {
      const value = args[i + 1];
      if (value === undefined || !VALUE_FLAGS[flag](value)) return `${flag} has an invalid value ${JSON.stringify(value)}`;
      i += 2;
    } else {
      return `${flag} is not a fortio load flag`;
    }
  }
  const target = args[args.length - 1];
  if (i !== args.length - 1) return 'the target is missing';
  if (grpc ? !/^[a-z0-9.-]+:\d+$/.test(target) : !/^https?:\/\/[^\s]+$/.test(target)) return `the target ${JSON.stringify(target)} is not a ${grpc ? 'host:port' : 'URL'}`;
  return undefined;
}
