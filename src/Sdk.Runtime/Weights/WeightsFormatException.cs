using System;

namespace Sdk.Runtime.Weights
{
    /// <summary>
    /// A weights file is not valid. The message names the file and, where one is at fault, the tensor.
    /// </summary>
    public sealed class WeightsFormatException : Exception
    {
        /// <summary>Creates the exception; the message is prefixed with the file and tensor.</summary>
        public WeightsFormatException(string filePath, string? tensorName, string problem, Exception? innerException = null)
            : base(Describe(filePath, tensorName, problem), innerException)
        {
            FilePath = filePath;
            TensorName = tensorName;
        }

        private WeightsFormatException(string message, string filePath, string? tensorName)
            : base(message)
        {
            FilePath = filePath;
            TensorName = tensorName;
        }

        /// <summary>The file that failed to load.</summary>
        public string FilePath { get; }

        /// <summary>The tensor at fault, or null when the problem is with the file as a whole.</summary>
        public string? TensorName { get; }

        /// <summary>A valid file whose tensors do not fit a network's plan (missing, unexpected, wrong shape or dtype).</summary>
        internal static WeightsFormatException PlanMismatch(string filePath, string networkName, string? tensorName, string problem) =>
            new($"Weights file '{filePath}' does not fit network '{networkName}': {problem}", filePath, tensorName);

        private static string Describe(string filePath, string? tensorName, string problem) =>
            tensorName is null
                ? $"Invalid safetensors file '{filePath}': {problem}"
                : $"Invalid safetensors file '{filePath}', tensor '{tensorName}': {problem}";
    }
}
