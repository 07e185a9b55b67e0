import Foundation
import HAOSupport

// hao-bench: the Swift half of the benchmark suite (benchmarks/run.sh drives it).
let usage = """
    usage: hao-bench COMMAND [options]
      shipped      --models DIR --out CSV [--devices a,b] [--bits 8,4] [--warmup 1] [--repeats 7]
      growth       --out CSV --fit-out CSV [--blocks ...] [--configs ...] [--fixed-configs 50] [--fixed-blocks 50]
                   [--seeds 3] [--warmup 1] [--repeats 3] [--slow-ms 2000]
      formulation  --models DIR --out CSV [--instances zu3eg:4,zu9eg:8] [--synthetic-seeds 1,2] [--warmup 1] [--repeats 5]
      export       --models DIR --dir MPSDIR --out CSV [--devices a,b] [--bits 8,4] [--synthetic 20x50,50x50] [--warmup 1] [--repeats 5]
      candidates   --models DIR [--count 5000] [--glpk 200] [--seed 1] [--device zu3eg]
      glpk-tuning  --models DIR [--count 2000] [--glpk 60] [--seed 1] [--device zu3eg] [--variants a,b]
    """

let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    FileHandle.standardError.write(Data((usage + "\n").utf8))
    exit(2)
}
do {
    let options = try Options(arguments.dropFirst(2))
    switch arguments[1] {
    case "shipped": try runShipped(options)
    case "growth": try runGrowth(options)
    case "formulation": try runFormulation(options)
    case "export": try runExport(options)
    case "candidates": try runCandidates(options)
    case "glpk-tuning": try runGLPKTuning(options)
    default: throw BenchError("unknown command '\(arguments[1])'\n" + usage)
    }
} catch {
    FileHandle.standardError.write(Data("hao-bench: \(error)\n".utf8))
    exit(1)
}
