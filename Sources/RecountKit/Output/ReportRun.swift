/// `reconcile` into a report directory, in the two steps the command prints between: the run,
/// its rows rendered and sorted on disk as they come (a `SpillingSink`, so memory stays flat
/// whatever the size of the day), then the reports written and committed.
public struct ReportRun {
    public let result: ReconcileResult
    public let parameters: RunParameters
    let sink: SpillingSink

    /// Runs the pipeline; `progress` hears (bytes read, records) after each batch.
    public init(
        options: ReconcileOptions, parameters: RunParameters, progress: (@Sendable (Int, Int) -> Void)? = nil
    ) throws(ReconcileError) {
        var pipeline = ReconcilePipeline(options: options)
        pipeline.progress = progress
        let unit = options.catalog.unit
        sink = SpillingSink(
            unit: unit, zoneOffset: options.dayOffsetSeconds, conversions: parameters.conversions(unit: unit),
            directory: options.engine.spillPath, memory: options.sortMemoryBytes / 2)
        result = try pipeline.run(into: sink)
        self.parameters = parameters
    }

    /// Writes the reports into `directory` and commits them (`ReportWriter.commit`), with
    /// `shard.state` beside them when `writeState` (a `--shard` run, for `merge`).
    public func write(to directory: OutputDirectory, writeState: Bool) throws {
        try ReportWriter(result: result, parameters: parameters).commit(
            to: directory, writeState: writeState, streams: sink.finish)
    }
}

extension RunParameters {
    /// What `summary.json` echoes of a run's options: basis, tolerance, credits, window,
    /// shard, rows, rejects limit, day offset, the catalog file and the gateway source. The
    /// output's own (`asOf`, `csvBOM`, `alsoCurrency`) and the `--issued` files are set apart.
    public init(echoing options: ReconcileOptions) {
        self.init()
        basis = options.basis
        tolerance = options.tolerance
        minimumCredit = options.minimumCredit
        from = options.from
        until = options.until
        shard = options.shard
        allRows = options.allRows
        maxRejects = options.maxRejects
        dayOffsetSeconds = options.dayOffsetSeconds
        pricing = InputFileInfo(path: options.pricingPath, kind: "pricing", bytes: InputFiles.size(options.pricingPath))
        gatewayDatabase = options.gatewayDatabase?.summary
    }
}
