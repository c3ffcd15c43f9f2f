using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Sdk.Runtime.IO;

namespace CompressionStudy;

/// <summary>
/// The study's results file (<c>results.json</c>): the options, every finished configuration, and the SHA-256 of
/// both. Rewritten atomically after each configuration, so an interrupted study loses at most the one under way and
/// a rerun with the same options skips every configuration the file holds. A file that is not such a file, was
/// made with other options, or changed since it was written is refused (<see cref="StudyResultsException"/>).
/// </summary>
public sealed class StudyResults
{
    public const string Format = "sdk-compression-study";
    public const int Version = 1;

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter() },
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    private readonly Dictionary<string, StudyResult> _byKey = new(StringComparer.Ordinal);
    private readonly List<StudyResult> _rows = new();

    private StudyResults(string path, StudyOptions options)
    {
        Path = path;
        Options = options;
    }

    public string Path { get; }

    public StudyOptions Options { get; }

    /// <summary>In the order they finished.</summary>
    public IReadOnlyList<StudyResult> Rows => _rows;

    /// <summary>The results at <paramref name="path"/> if the file exists (checked, and made with <paramref name="options"/>), else an empty set.</summary>
    /// <exception cref="StudyResultsException">The file cannot be used: the message names it and says why.</exception>
    public static StudyResults Open(string path, StudyOptions options)
    {
        var results = new StudyResults(path, options);
        if (!File.Exists(path))
        {
            return results;
        }

        var file = Read(path);
        if (file.Format != Format || file.Version != Version)
        {
            throw new StudyResultsException(path, $"it is format '{file.Format}' version {file.Version}, not '{Format}' version {Version}");
        }

        var expected = Checksum(file.Options, file.Results);
        if (!string.Equals(file.ContentSha256, expected, StringComparison.Ordinal))
        {
            throw new StudyResultsException(path, $"it is corrupt: the SHA-256 of its options and results is {expected}, but it recorded {file.ContentSha256} when it was written (a value changed since)");
        }

        // The same options, or the same with the format study added to a file made without one: its rows are the
        // bottleneck rows of these options, and the file is rewritten with these options when the first format row finishes.
        var asked = JsonSerializer.Serialize(options, Json);
        var recorded = JsonSerializer.Serialize(file.Options, Json);
        var extends = file.Options.FormatStudy is null && options.FormatStudy is not null
            && JsonSerializer.Serialize(options with { FormatStudy = null }, Json) == recorded;
        if (recorded != asked && !extends)
        {
            throw new StudyResultsException(path, $"it was made with other options ({Compact(file.Options)}) than this run's ({Compact(options)}); give another --out, or the same options to resume");
        }

        foreach (var row in file.Results)
        {
            if (Problem(row) is { } problem)
            {
                throw new StudyResultsException(path, $"result '{row.Key}' {problem}");
            }

            results.Remember(row);
        }

        return results;
    }

    public bool TryGet(string key, out StudyResult result) => _byKey.TryGetValue(key, out result!);

    /// <summary>Adds a finished configuration and rewrites the file atomically.</summary>
    public void Add(StudyResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (Problem(result) is { } problem)
        {
            throw new ArgumentException($"Result '{result.Key}' {problem}.", nameof(result));
        }

        Remember(result);
        var file = new ResultsFile(Format, Version, Options, _rows.ToArray(), Checksum(Options, _rows));
        AtomicFile.Write(Path, stream => JsonSerializer.Serialize(stream, file, Json));
    }

    private void Remember(StudyResult row)
    {
        if (!_byKey.TryAdd(row.Key, row))
        {
            throw new StudyResultsException(Path, $"result '{row.Key}' appears twice");
        }

        _rows.Add(row);
    }

    private static ResultsFile Read(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            return JsonSerializer.Deserialize<ResultsFile>(stream, Json) ?? throw new StudyResultsException(path, "it holds null instead of a results object");
        }
        catch (JsonException error)
        {
            throw new StudyResultsException(path, $"it is not a results file: {error.Message}");
        }
    }

    /// <summary>What is wrong with a row, or null: its key, ratio, accuracy, counts and bytes must be consistent.</summary>
    private static string? Problem(StudyResult r) =>
        r.Key != new StudyConfiguration(r.Network, r.Cut, r.Method, r.Ratio, r.Seed, r.Wire).Key ? "has a key that does not match its network, cut, method, ratio, seed and wire"
        : (r.Wire is null) != (r.Method is StudyMethod.Trained or StudyMethod.Pca or StudyMethod.PcaFineTuned) ? "has a wire without a format or exchange method, or the other way round"
        : r.Method == StudyMethod.Exchange && (r.Replicas is not >= 2 || r.ExchangeWeightBytes is not > 0 || r.Steps is not > 0) ? "is an exchange row without replicas, weight bytes or steps"
        : !(r.TestAccuracy is >= 0 and <= 1) ? $"has test accuracy {r.TestAccuracy}, outside 0 to 1"
        : r.Ratio < 1 || r.Channels < 1 || r.Width != (r.Channels + r.Ratio - 1) / r.Ratio ? $"has ratio {r.Ratio}, {r.Channels} channels and width {r.Width}, which do not agree"
        : r.ForwardBytesPerSample <= 0 || r.BackwardBytesPerSample <= 0 || r.TrainingSamples < 0 || r.EvaluationSamples <= 0 ? "has a count or a byte figure out of range"
        : null;

    private static string Checksum(StudyOptions options, IReadOnlyList<StudyResult> rows)
    {
        var content = JsonSerializer.SerializeToUtf8Bytes(new { options, rows }, Json);
        return Convert.ToHexStringLower(SHA256.HashData(content));
    }

    private static string Compact(StudyOptions options) =>
        JsonSerializer.Serialize(options, new JsonSerializerOptions(Json) { WriteIndented = false });

    private sealed record ResultsFile(string Format, int Version, StudyOptions Options, StudyResult[] Results, string ContentSha256);
}

/// <summary>A results file the study cannot use: which file, and what is wrong with it.</summary>
public sealed class StudyResultsException(string path, string problem)
    : Exception($"Results file '{path}' cannot be used: {problem}.")
{
    public string FilePath { get; } = path;

    public string Problem { get; } = problem;
}
