/**
 * TensorFlow op classification for SavedModel graphs. PyFunc-family ops call back into arbitrary Python;
 * file ops read/write the loader's file system; checkpoint ops are normal in every SavedModel and only
 * suspicious when pointed at constant paths outside the model directory.
 */
export const PYTHON_CALLBACK_OPS: ReadonlySet<string> = new Set(['PyFunc', 'PyFuncStateless', 'EagerPyFunc']);

export const FILESYSTEM_OPS: ReadonlySet<string> = new Set([
  'ReadFile', 'WriteFile', 'MatchingFiles', 'ImmutableConst', 'WholeFileReader', 'WholeFileReaderV2',
  'TextLineReader', 'TextLineReaderV2', 'FixedLengthRecordReader', 'FixedLengthRecordReaderV2', 'TFRecordReader',
  'TFRecordReaderV2', 'LMDBReader', 'DatasetToTFRecord', 'ExperimentalDatasetToTFRecord', 'CreateSummaryFileWriter',
  'CreateSummaryDbWriter', 'FileSystemSetConfiguration', 'SaveDataset', 'SaveDatasetV2', 'ExperimentalSqlDataset',
  'SqlDataset',
]);

/**
 * Ops whose first input is a path: checkpoints, vocabulary assets, dataset files. Every SavedModel has
 * some (SaveV2/RestoreV2 fed by a `saver_filename` placeholder), so they are flagged only when the path is
 * a constant outside the model directory.
 */
export const PATH_INPUT_OPS: ReadonlySet<string> = new Set([
  'Save', 'SaveV2', 'SaveSlices', 'Restore', 'RestoreV2', 'RestoreSlice', 'MergeV2Checkpoints', 'LoadAndRemapMatrix',
  'InitializeTableFromTextFile', 'InitializeTableFromTextFileV2', 'TextLineDataset', 'TFRecordDataset',
  'TFRecordDatasetV2', 'FixedLengthRecordDataset', 'FixedLengthRecordDatasetV2', 'LoadDataset', 'LMDBDataset',
  'ExperimentalLMDBDataset',
]);

/** Ops with a string attribute naming an output sink (`file://…` writes files, `grpc://…` phones home). */
export const SINK_ATTRS: ReadonlyMap<string, string> = new Map([
  ['PrintV2', 'output_stream'],
  ['DebugIdentity', 'debug_urls'],
  ['DebugIdentityV2', 'debug_urls'],
  ['DebugNanCount', 'debug_urls'],
  ['DebugNumericSummary', 'debug_urls'],
  ['DebugNumericSummaryV2', 'debug_urls'],
  ['DecodeProtoV2', 'descriptor_source'],
]);

/**
 * Core ops seen in ordinary exported models. Anything outside this list (and not a function defined in the
 * graph's own library) is reported as a possible custom op: loading it requires `tf.load_op_library`, i.e.
 * native code shipped next to the model. The list is deliberately broad to keep that warning meaningful.
 */
export const KNOWN_OPS: ReadonlySet<string> = new Set(`
Abs Acos Acosh Add AddN AddV2 All Any ApproximateEqual ArgMax ArgMin AsString Asin Asinh Assert Assign AssignAdd
AssignAddVariableOp AssignSub AssignSubVariableOp AssignVariableOp Atan Atan2 Atanh AvgPool AvgPool3D AvgPoolGrad
BatchMatMul BatchMatMulV2 BatchMatMulV3 BatchNormWithGlobalNormalization BatchToSpaceND BiasAdd BiasAddGrad Bincount
Bitcast BitwiseAnd BitwiseOr BitwiseXor BroadcastArgs BroadcastGradientArgs BroadcastTo Bucketize Case Cast Ceil
CheckNumerics CheckNumericsV2 Cholesky ClipByValue Complex ComplexAbs Concat ConcatOffset ConcatV2 Const
ConsumeMutexLock ControlTrigger Conv2D Conv2DBackpropFilter Conv2DBackpropInput Conv3D Conv3DBackpropInputV2 Cos Cosh
CropAndResize Cross Cumprod Cumsum DecodeBase64 DecodeCSV DecodeJpeg DecodePng DecodeRaw DecodeImage DecodeGif
DeleteIterator DepthToSpace DepthwiseConv2dNative DepthwiseConv2dNativeBackpropFilter
DepthwiseConv2dNativeBackpropInput Dequantize DestroyResourceOp DeviceIndex Diag DiagPart Digamma Dilation2D
DisableCopyOnRead Div DivNoNan DynamicPartition DynamicStitch Einsum Elu EluGrad EmptyTensorList EncodeBase64
EncodeJpeg EncodePng EnsureShape Enter Equal Erf Erfc Exit Exp ExpandDims Expm1 ExtractImagePatches FakeParam
FakeQuantWithMinMaxArgs FakeQuantWithMinMaxVars FakeQuantWithMinMaxVarsPerChannel FFT FFT2D Fill Floor FloorDiv
FloorMod FusedBatchNorm FusedBatchNormV2 FusedBatchNormV3 FusedBatchNormGradV3 Gather GatherNd GatherV2 Greater
GreaterEqual HashTable HashTableV2 HistogramFixedWidth HistogramSummary Identity IdentityN IFFT If Imag
InitializeTable InitializeTableV2 InTopKV2 Inv InvertPermutation IsFinite IsInf IsNan IsVariableInitialized
L2Loss LeakyRelu LeakyReluGrad Less LessEqual Lgamma LinSpace ListDiff Log Log1p LogicalAnd LogicalNot LogicalOr
LogSoftmax LookupTableExport LookupTableExportV2 LookupTableFind LookupTableFindV2 LookupTableImport
LookupTableImportV2 LookupTableInsert LookupTableInsertV2 LookupTableSize LookupTableSizeV2 LoopCond LRN
MatMul MatrixBandPart MatrixDeterminant MatrixDiag MatrixDiagV3 MatrixInverse MatrixSetDiag MatrixSetDiagV3
MatrixSolve MatrixTriangularSolve Max Maximum MaxPool MaxPool3D MaxPoolGrad MaxPoolV2 MaxPoolWithArgmax Mean Merge
MergeSummary Min Minimum MirrorPad Mod Mul MulNoNan MutableDenseHashTableV2 MutableHashTable MutableHashTableV2
MutexLock MutexV2 Neg NextIteration NoOp NonMaxSuppressionV3 NonMaxSuppressionV4 NonMaxSuppressionV5 NotEqual
OneHot OnesLike OptionalFromValue OptionalGetValue OptionalHasValue OptionalNone Pack Pad PadV2 PartitionedCall
Placeholder PlaceholderWithDefault Pow Prod QuantizeV2 QuantizeAndDequantizeV2 QuantizeAndDequantizeV3
QuantizeAndDequantizeV4 RaggedGather RaggedRange RaggedTensorFromVariant RaggedTensorToSparse RaggedTensorToTensor
RaggedTensorToVariant RandomShuffle RandomStandardNormal RandomUniform RandomUniformInt Range Rank ReadVariableOp Real
RealDiv Reciprocal ReduceJoin RefSwitch RegexFullMatch RegexReplace Relu Relu6 Relu6Grad ReluGrad Reshape
ResizeArea ResizeBicubic ResizeBilinear ResizeNearestNeighbor ResourceGather ResourceScatterAdd
ResourceScatterUpdate ResourceStridedSliceAssign Reverse ReverseSequence ReverseV2 RightShift LeftShift Rint Roll
Round Rsqrt RsqrtGrad ScatterNd ScatterNdUpdate SegmentMax SegmentMean SegmentMin SegmentSum Select SelectV2 Selu
Shape ShapeN ShardedFilename ShardedFilespec Sigmoid SigmoidGrad Sign Sin Sinh Size Slice Snapshot Softmax
SoftmaxCrossEntropyWithLogits Softplus Softsign SpaceToBatchND SpaceToDepth SparseFillEmptyRows SparseReshape
SparseSegmentMean SparseSegmentSqrtN SparseSegmentSum SparseSoftmaxCrossEntropyWithLogits SparseTensorDenseMatMul
SparseToDense Split SplitV Sqrt SqrtGrad Square SquaredDifference Squeeze Stack StackV2 StatefulPartitionedCall
StatelessIf StatelessRandomNormal StatelessRandomNormalV2 StatelessRandomUniform StatelessRandomUniformV2
StatelessWhile StaticRegexFullMatch StaticRegexReplace StopGradient StridedSlice StridedSliceGrad StringFormat
StringJoin StringLength StringSplit StringSplitV2 StringStrip StringToHashBucketFast StringToNumber Sub Substr Sum
Switch SymbolicGradient Tan Tanh TanhGrad TensorArrayGatherV3 TensorArrayReadV3 TensorArrayScatterV3
TensorArraySizeV3 TensorArrayV3 TensorArrayWriteV3 TensorListFromTensor TensorListGetItem TensorListLength
TensorListReserve TensorListSetItem TensorListStack TensorScatterAdd TensorScatterUpdate TensorSummaryV2 Tile
TopKV2 Transpose TruncateDiv TruncateMod TruncatedNormal Unique UniqueV2 Unpack UnsortedSegmentMax
UnsortedSegmentMin UnsortedSegmentSum UnicodeDecodeWithOffsets UnicodeScript UnicodeTranscode VarHandleOp
VarIsInitializedOp Variable VariableV2 Where While Xdivy Xlog1py Xlogy ZerosLike ScalarSummary ImageSummary
AudioSummary WriteScalarSummary WriteHistogramSummary FlushSummaryWriter SummaryWriter CloseSummaryWriter
IteratorV2 IteratorGetNext MakeIterator TensorDataset TensorSliceDataset BatchDatasetV2 MapDataset PrefetchDataset
RepeatDataset ShuffleDataset ModelDataset OptimizeDataset AnonymousIteratorV2 AnonymousIteratorV3 SaveSlices
SentencepieceOp Print PrintV2 Timestamp Abort`.split(/\s+/).filter((s) => s.length > 0));
