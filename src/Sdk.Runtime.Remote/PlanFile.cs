using System;
using System.Collections.Generic;
using System.IO;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Sdk.Runtime.Remote;

/// <summary>
/// A plan as a file a chip host can serve: the network's spec (what the attributes say, every chip decided) as
/// JSON, with the plan fingerprint of the program that wrote it. The host compiles the spec with the same compiler
/// core the caller used, so both run the same plan by construction, and a host whose compiler gives another
/// fingerprint refuses to start instead of computing something else. No code travels: a host loads data only.
/// </summary>
public static class PlanFile
{
    /// <summary>The value of the file's <c>format</c> field.</summary>
    public const string Format = "sdk-plan";

    private const int Version = 1;

    private static readonly JsonSerializerOptions Options = CreateOptions(indented: false);
    private static readonly JsonSerializerOptions Indented = CreateOptions(indented: true);

    /// <summary>Writes <paramref name="plan"/>'s spec and fingerprint to <paramref name="path"/>.</summary>
    public static void Save(NetworkPlan plan, string path)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(path);
        var document = new JsonObject
        {
            ["format"] = Format,
            ["version"] = Version,
            ["network"] = plan.Name,
            ["fingerprint"] = PlanFingerprint.Of(plan).ToString("x16"),
            ["spec"] = JsonSerializer.SerializeToNode(plan.Spec, Indented),
        };
        File.WriteAllText(path, document.ToJsonString(Indented) + "\n");
    }

    /// <summary>Reads a plan file and compiles its spec; the compiled plan's fingerprint must be the one recorded.</summary>
    /// <exception cref="InvalidDataException">Not a plan file, or the compiler here gives another fingerprint (the message says which).</exception>
    public static NetworkPlan Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"Plan file '{path}' is not JSON: {e.Message}", e);
        }

        if (root is not JsonObject document || (string?)document["format"] != Format)
        {
            throw new InvalidDataException($"Plan file '{path}' is not a plan file: its \"format\" is not \"{Format}\" (write one with PlanFile.Save).");
        }

        if ((int?)document["version"] != Version)
        {
            throw new InvalidDataException($"Plan file '{path}' has version {document["version"]}; this host reads version {Version}.");
        }

        NetworkSpec spec;
        try
        {
            spec = document["spec"].Deserialize<NetworkSpec>(Options)
                ?? throw new InvalidDataException($"Plan file '{path}' has no \"spec\".");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"Plan file '{path}': the spec cannot be read: {e.Message}", e);
        }

        NetworkPlan plan;
        try
        {
            plan = NetworkPlan.Compile(spec);
        }
        catch (Exception e) when (e is not InvalidDataException)
        {
            throw new InvalidDataException($"Plan file '{path}': network '{spec.Name}' does not compile: {e.Message}", e);
        }

        var recorded = (string?)document["fingerprint"];
        var actual = PlanFingerprint.Of(plan).ToString("x16");
        if (recorded != actual)
        {
            throw new InvalidDataException(
                $"Plan file '{path}': network '{spec.Name}' compiles here to plan fingerprint {actual}, but the file records {recorded}: the writer and this host run different compiler versions.");
        }

        return plan;
    }

    /// <summary>
    /// SHA-256 (64 lowercase hex digits) of the spec in its canonical JSON form: every field of every layer, chip and
    /// link, doubles included (the plan fingerprint counts integers only, so it does not see an activation or an
    /// epsilon change). Caller and host compare it at the start of every session.
    /// </summary>
    public static string SpecSha256(NetworkSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(spec, Options)));
    }

    private static JsonSerializerOptions CreateOptions(bool indented)
    {
        var options = new JsonSerializerOptions
        {
            WriteIndented = indented,
            IncludeFields = false,
            TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { WrittenFieldsOnly } },
        };
        options.Converters.Add(new JsonStringEnumConverter());
        options.Converters.Add(new EquatableArrayConverterFactory());
        return options;
    }

    /// <summary>Only what a spec holds: derived read-only properties (ChipSpec.DisplayName) are not written.</summary>
    private static void WrittenFieldsOnly(JsonTypeInfo info)
    {
        if (info.Kind != JsonTypeInfoKind.Object)
        {
            return;
        }

        for (var i = info.Properties.Count - 1; i >= 0; i--)
        {
            if (info.Properties[i].Set is null)
            {
                info.Properties.RemoveAt(i);
            }
        }
    }

    private sealed class EquatableArrayConverterFactory : JsonConverterFactory
    {
        public override bool CanConvert(Type typeToConvert) =>
            typeToConvert.IsGenericType && typeToConvert.GetGenericTypeDefinition() == typeof(EquatableArray<>);

        public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
            (JsonConverter)Activator.CreateInstance(typeof(EquatableArrayConverter<>).MakeGenericType(typeToConvert.GetGenericArguments()[0]))!;
    }

    private sealed class EquatableArrayConverter<T> : JsonConverter<EquatableArray<T>>
        where T : IEquatable<T>
    {
        public override EquatableArray<T> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            new(JsonSerializer.Deserialize<List<T>>(ref reader, options) ?? throw new JsonException("An array is null."));

        public override void Write(Utf8JsonWriter writer, EquatableArray<T> value, JsonSerializerOptions options) =>
            JsonSerializer.Serialize(writer, value.ToArray(), options);
    }
}
