using System;

namespace Sdk.Runtime.Onnx
{
    /// <summary>An ONNX file (model or tensor) is malformed or uses something this reader does not support.</summary>
    public sealed class OnnxFormatException : Exception
    {
        /// <summary>Creates the exception; the message is prefixed with the file.</summary>
        public OnnxFormatException(string filePath, string problem, Exception? innerException = null)
            : base($"ONNX file '{filePath}': {problem}", innerException)
        {
            FilePath = filePath;
        }

        /// <summary>The file at fault (or a description of the in-memory source).</summary>
        public string FilePath { get; }
    }
}
